/** Prints one line on stderr and exits: how every program reports an error a user caused. */
export function fail(message: string, exitCode = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(exitCode);
}

/** Runs `fn`; if it throws (a file that cannot be written, say), fails with `message: reason`. */
export function orFail<T>(message: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    fail(`${message}: ${(error as Error).message}`);
  }
}
