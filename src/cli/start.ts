import { loadConfig } from '../config.js';
import { createLogger } from '../lib/logger.js';
import { type RunningMydrop, startMydrop } from '../main.js';
import { readDemoFile } from '../modules/demo/index.js';

/**
 * `mydrop start`: serves the API and console until SIGTERM or SIGINT, then stops taking new
 * connections, lets requests in flight finish, and closes the database cleanly.
 */
export async function runStart(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);

  // Signals are handled from the start: a SIGTERM while the server is still starting (an
  // orchestrator scaling down, a test that gave up) stops it cleanly once it has started,
  // instead of killing it between its migration and its first request.
  let running: RunningMydrop | undefined;
  let stopRequested = false;
  let signals = 0;
  const stop = () => {
    logger.info('shutting down: finishing requests in flight');
    running?.stop().then(
      () => {
        logger.info('stopped cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const shutdown = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    logger.info({ signal }, 'stop requested');
    if (running) stop();
    else stopRequested = true;
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  running = await startMydrop(config, logger);
  const storage = running.database.kind === 'pglite' ? `PGlite in ${config.dataDir}` : 'PostgreSQL';
  const lines = [`Mydrop ${running.url} (data: ${storage})`];
  const demo = readDemoFile(config.dataDir);
  const owner = demo?.users.find((user) => user.role === 'owner');
  if (demo && owner) {
    lines.push(
      `Sign in at ${running.url}/login as ${owner.email} with password ${owner.password}`,
      `Every demo user, their roles and an API token: ${config.dataDir}/demo.json`,
    );
  }
  lines.push(`API reference: ${running.url}/api/docs`);
  process.stdout.write(`${lines.join('\n')}\n`);
  if (stopRequested) stop();
}
