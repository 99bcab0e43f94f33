import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * The Medusa baseline's packages live in bench/medusa (package.json, package-lock.json, and
 * node_modules once installed), apart from the root's: the root `npm install` never pulls
 * Medusa. The benchmark installs them the first time the baseline runs.
 */
export const medusaVersion = '2.21.2';

export const medusaDir = fileURLToPath(new URL('../medusa/', import.meta.url));
const installTimeoutMs = 10 * 60_000;

function installedVersion(): string | null {
  try {
    const manifest = join(medusaDir, 'node_modules/@medusajs/inventory/package.json');
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

/**
 * Installs bench/medusa's packages (from its package-lock.json) unless the pinned module is
 * there. Install scripts stay off (npm 11 blocks them anyway): the two packages that have one,
 * @medusajs/telemetry and protobufjs, need it for nothing the benchmark loads. Answers why it
 * could not install, or null.
 */
export async function installMedusa(progress: (text: string) => void): Promise<string | null> {
  const found = installedVersion();
  if (found === medusaVersion) return null;
  const args = ['install', '--prefix', medusaDir, '--ignore-scripts', '--no-audit', '--no-fund'];
  // Under `npm run` the same npm that runs the benchmark installs; otherwise the one on PATH.
  const npmCli = process.env.npm_execpath;
  const [command, commandArgs] = npmCli?.endsWith('.js')
    ? [process.execPath, [npmCli, ...args]]
    : ['npm', args];
  progress(
    `medusa: ${found ? `found @medusajs/inventory ${found}; ` : ''}installing @medusajs/inventory ${medusaVersion} into bench/medusa: npm ${args.join(' ')}`,
  );
  const began = Date.now();
  let lastLine = '';
  let firstError: string | null = null;
  let engineWarnings = 0;
  const code = await new Promise<number | string>((resolve) => {
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    const show = (line: string) => {
      if (!line.trim()) return;
      lastLine = line.trim();
      // npm's first error lines are its code, syscall and errno; the next one says what failed.
      if (/^npm error (?!code|syscall|errno)\S+/.test(lastLine)) firstError ??= lastLine;
      // Some of Medusa's dependencies ask for Node 22 and npm says so in five lines each.
      if (line.includes('EBADENGINE')) engineWarnings += 1;
      else progress(`medusa: ${lastLine}`);
    };
    createInterface({ input: child.stdout }).on('line', show);
    createInterface({ input: child.stderr }).on('line', show);
    const heartbeat = setInterval(
      () => progress(`medusa: still installing (${Math.round((Date.now() - began) / 1000)} s)`),
      15_000,
    );
    const deadline = setTimeout(() => child.kill(), installTimeoutMs);
    child.once('error', (error) => resolve(error.message));
    child.once('close', (exitCode, signal) => {
      clearInterval(heartbeat);
      clearTimeout(deadline);
      resolve(exitCode ?? `killed by ${signal}`);
    });
  });
  if (engineWarnings > 0) progress(`medusa: ${engineWarnings} EBADENGINE warning lines not shown`);
  if (code !== 0) return `npm install in bench/medusa failed (${code}): ${firstError ?? lastLine}`;
  const installed = installedVersion();
  if (installed !== medusaVersion) {
    return `npm install in bench/medusa left @medusajs/inventory ${installed ?? 'missing'}, not ${medusaVersion}`;
  }
  progress(`medusa: installed in ${Math.round((Date.now() - began) / 1000)} s`);
  return null;
}
