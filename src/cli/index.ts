import { ConfigError } from '../config.js';
import { isAppError } from '../lib/errors.js';
import { runAuditVerify } from './audit.js';
import { runDemo, runMigrate, runTokenCreate, runUserCreate, UsageError } from './commands.js';
import { runStart } from './start.js';

const help = `mydrop: the live-commerce operations platform

Usage: mydrop <command> [options]

Commands:
  start                 Run the API and console (migrates first; creates the demo
                        workspace on an empty database unless NODE_ENV=production)
  migrate               Apply database migrations and exit
  user create           Create a user
                          --email <email> --name <name> [--password <pw>]
                          [--org <organisation name or slug> --role <role>]
                        (without --password one is generated and printed once;
                        an unknown --org is created with the user as owner)
  token create          Create an API token, printed once
                          --org <organisation slug> [--name <name>] [--role <role>]
  demo                  Create or reset the demo workspace; writes demo.json
  audit verify          Check the tamper-evident audit log's hash chain
                          [--org <organisation slug>] (every organisation without it)
                        (exit 0 when intact; 1, naming the first bad entry, when not)
  help, --help          Show this help

Configuration comes from the environment: PORT, HOST, MYDROP_DATA_DIR, DATABASE_URL,
MYDROP_SECRET, MYDROP_BASE_URL, MYDROP_TRUST_PROXY, MYDROP_DEMO, REDIS_URL,
MYDROP_REDIS_PREFIX, LOG_LEVEL.
See README.md.
`;

async function main(argv: string[]): Promise<void> {
  const [command, subcommand, ...rest] = argv;
  switch (command) {
    case 'start':
      return runStart();
    case 'migrate':
      return runMigrate();
    case 'demo':
      return runDemo();
    case 'user':
      if (subcommand === 'create') return runUserCreate(rest);
      throw new UsageError('Unknown user command; try: mydrop user create --help');
    case 'audit':
      if (subcommand === 'verify') return runAuditVerify(rest);
      throw new UsageError('Unknown audit command; try: mydrop audit verify [--org <slug>]');
    case 'token':
      if (subcommand === 'create') return runTokenCreate(rest);
      throw new UsageError('Unknown token command; try: mydrop token create');
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(help);
      return;
    default:
      throw new UsageError(`Unknown command: ${command}\n\n${help}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof UsageError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  if (isAppError(error)) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
