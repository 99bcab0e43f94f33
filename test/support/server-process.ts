import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type DemoFile, readDemoFile } from '../../src/modules/demo/index.js';

export const repoRoot = join(import.meta.dirname, '../..');
const bin = join(repoRoot, 'bin/mydrop.js');

export function temporaryDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'mydrop-e2e-'));
}

/** The demo.json the server wrote into `dataDir` (base URL, users, API token, live offer). */
export function readDemo(dataDir: string): DemoFile {
  const demo = readDemoFile(dataDir);
  if (!demo) throw new Error(`no readable demo.json in ${dataDir}`);
  return demo;
}

/** The demo workspace's user with `role`, whose email and password sign in. */
export function demoUser(demo: DemoFile, role: DemoFile['users'][number]['role']) {
  const user = demo.users.find((candidate) => candidate.role === role);
  if (!user) throw new Error(`demo.json has no ${role} user`);
  return user;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function baseEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const {
    DATABASE_URL: _database,
    MYDROP_SECRET: _secret,
    NODE_ENV: _node,
    ...inherited
  } = process.env;
  return { ...inherited, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...extra };
}

/** Runs a `mydrop` command to completion. */
export async function runMydrop(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
      cwd: repoRoot,
      env: baseEnvironment(env),
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** A `mydrop start` process, spawned but not waited for. */
export interface SpawnedServer {
  child: ChildProcess;
  port: number;
  output(): string;
  exited: Promise<number | null>;
  hasExited(): boolean;
}

export async function spawnServerProcess(env: Record<string, string>): Promise<SpawnedServer> {
  const port = await freePort();
  // `BENCH_SERVER_CPU_PROF=<folder>` writes a CPU profile of the server when it stops.
  const profile = process.env.BENCH_SERVER_CPU_PROF;
  const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  const child = spawn(process.execPath, [...nodeArgs, bin, 'start'], {
    cwd: repoRoot,
    env: baseEnvironment({ PORT: String(port), ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  let finished = false;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      finished = true;
      resolve(code);
    }),
  );
  return { child, port, output: () => output, exited, hasExited: () => finished };
}

/**
 * Starts `mydrop start` and waits until /readyz answers and the server printed its banner
 * (so a test reads the banner without racing the pipe that carries it).
 */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const { child, port, output, exited, hasExited } = await spawnServerProcess(env);
  const url = `http://localhost:${port}`;
  const deadline = Date.now() + 90_000;
  while (true) {
    if (hasExited()) throw new Error(`mydrop start exited early:\n${output()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`mydrop start did not become ready:\n${output()}`);
    }
    try {
      if ((await fetch(`${url}/readyz`)).ok && output().includes('API reference: ')) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    child,
    url,
    output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (!hasExited()) child.kill(signal);
      return exited;
    },
  };
}
