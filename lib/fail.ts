/** Prints one line on stderr and exits: how every program reports an error a user caused. */
export function fail(message: string, exitCode = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(exitCode);
}
