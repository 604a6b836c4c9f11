/** The per-event logger of a server: prints a line, or is absent with --quiet (call it as `log?.(…)`). */
export function logger(quiet: boolean): ((line: string) => void) | undefined {
  return quiet ? undefined : (line) => console.log(line);
}

/**
 * Players a room's terminal lines name one by one (joins, disconnects, places, closed connections);
 * past that, a big room prints counts, so a crowd does not bury what the operator must see.
 */
export const PLAYERS_LOGGED = 100;
