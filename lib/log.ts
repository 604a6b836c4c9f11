/** The per-event logger of a server: prints a line, or is absent with --quiet (call it as `log?.(…)`). */
export function logger(quiet: boolean): ((line: string) => void) | undefined {
  return quiet ? undefined : (line) => console.log(line);
}
