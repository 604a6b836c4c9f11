/** The soak game's plan: its settings, when players buzz and a round is checked, and what the game reports. */

/** The game worker's settings (bench/soak.ts --help describes each). */
export interface GameConfig {
  url: string;
  plain: number;
  json: number;
  /** A new round every `period` ms; players buzz at random in its first `spread` ms. */
  period: number;
  spread: number;
  /** Share of players who buzz twice in a round (a mashed key). */
  mash: number;
  churnPlain: number;
  churnJson: number;
}

/** A mashed key's second buzz comes this long after the first, in ms. */
export const MASH_DELAY = { min: 50, range: 200 };

/**
 * When to check a round, in ms after it opened: the last buzz goes at most spread + MASH_DELAY ms in,
 * its verdict within the server's --max-wait (500 ms by default); 300 ms are left for the churn.
 */
export function checkDelay(period: number, spread: number): number {
  const lastBuzz = spread + MASH_DELAY.min + MASH_DELAY.range;
  const at = Math.min(period - 300, lastBuzz + 1000);
  if (at < lastBuzz + 600) {
    throw new Error(`--period ${period} is too short for --spread ${spread}: at least ${lastBuzz + 900} ms`);
  }
  return at;
}

/** What the game reports per sample interval. */
export interface Interval {
  rounds: number;
  verdicts: number;
  /** Presses placed (a player's first verdict of a round): each is one fairness record the room keeps. */
  placed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  jsonP99Ms: number;
  errors: number;
  errorSamples: string[];
  /** The room's player count in the host's latest state. */
  playerCount: number;
}

/** What the game reports at its end: the room's fairness records as the host downloads them. */
export interface Final {
  records: number;
  logKiB: number;
  playerCount: number;
  errors: number;
  errorSamples: string[];
}
