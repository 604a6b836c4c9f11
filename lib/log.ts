/** Returns the per-event logger of a server: prints a line unless the server runs with --quiet. */
export function logger(quiet: boolean): (line: string) => void {
  return quiet ? () => {} : (line) => console.log(line);
}
