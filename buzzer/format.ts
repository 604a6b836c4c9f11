/** How gaps and places are shown: one rounding, used by the server, the terminal and the pages. */

/** A gap of `ms` milliseconds as the seconds sent on the wire: whole milliseconds, the one rounding before display. */
export function gapSeconds(ms: number): number {
  return Math.round(ms) / 1000;
}

/** Seconds behind the winner as shown everywhere: hundredths, rounded half-up, e.g. "0.24". */
export function formatGap(seconds: number): string {
  // Via whole microseconds first, so 1.005 s reads 1.01 whatever its binary form.
  const hundredths = Math.round(Math.round(seconds * 1e6) / 1e4);
  return (hundredths / 100).toFixed(2);
}

/** The original's reply for a place: `first place!` or `response time: 1.23 seconds slower!`. */
export function verdictText(place: number, seconds: number): string {
  return place === 1 ? "first place!" : `response time: ${formatGap(seconds)} seconds slower!`;
}

/** One line of a round's order: `1. Alice`, `2. Bob +0.24s`, with ` (photo finish)` when flagged. */
export function placeLine(place: number, name: string, seconds: number, photo: boolean): string {
  return `${place}. ${name}${place > 1 ? ` +${formatGap(seconds)}s` : ""}${photo ? " (photo finish)" : ""}`;
}
