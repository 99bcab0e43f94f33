import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { DropResult } from './drop-runner.js';
import type { LoadReply, LoadRequest } from './load-generator.js';

const root = join(import.meta.dirname, '..');

/** Starts one of the benchmark's TypeScript files as a process of its own. */
function forkBench(
  file: string,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): ChildProcess {
  return fork(join(root, 'bench', file), [], {
    cwd: root,
    // --expose-gc: the load generator collects its preparation's garbage before the clock.
    execArgv: ['--expose-gc', ...nodeArgs, '--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Runs the HTTP load generator in its own process and answers what the shoppers saw. */
export async function runLoadGenerator(request: LoadRequest): Promise<DropResult> {
  const child = forkBench('load-generator.ts');
  try {
    const reply = await new Promise<LoadReply>((resolve, reject) => {
      child.once('message', (message) => resolve(message as LoadReply));
      child.once('exit', (code) => reject(new Error(`load generator exited with ${code}`)));
      child.send(request);
    });
    if (!reply.ok) throw new Error(`load generator failed: ${reply.message}`);
    return reply.result;
  } finally {
    child.kill();
    await exited(child);
  }
}

export interface BareServer {
  port: number;
  stop(): Promise<void>;
}

/** The bare node:http ceiling, in its own process. */
export async function startBareServer(units: number): Promise<BareServer> {
  // `BENCH_SERVER_CPU_PROF=<folder>` profiles the bare server too, to compare with Mydrop's.
  const profile = process.env.BENCH_SERVER_CPU_PROF;
  const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  const child = forkBench('bare-server.ts', { BENCH_UNITS: String(units) }, nodeArgs);
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
  });
  return {
    port,
    async stop() {
      child.kill();
      await exited(child);
    },
  };
}
