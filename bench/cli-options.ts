/**
 * The small benchmarks' command line: `--help` prints the usage and exits; `--name=N` options
 * are whole numbers of at least 1, with a default.
 */
export function parseWholeNumberOptions<Names extends string>(
  argv: readonly string[],
  usage: string,
  defaults: Record<Names, number>,
): Record<Names, number> {
  if (argv.includes('--help')) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const options = { ...defaults };
  for (const name of Object.keys(defaults) as Names[]) {
    const value = argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
    const parsed = Number(value ?? defaults[name]);
    if (!Number.isInteger(parsed) || parsed < 1)
      throw new Error(`--${name} must be a whole number`);
    options[name] = parsed;
  }
  return options;
}
