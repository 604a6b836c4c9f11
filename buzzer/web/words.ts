/** How the pages put places and gaps in words. Pure: no DOM, so it is tested without a browser. */
import { formatGap } from "../format.ts";
import type { Phase } from "../protocol.ts";

/** Seconds behind the winner as the pages show it: `+0.24 s` (hundredths, as in every other view). */
export function gapLabel(seconds: number): string {
  return `+${formatGap(seconds)} s`;
}

/** 1st, 2nd, 3rd, 4th … */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${["th", "st", "nd", "rd"][n % 10] ?? "th"}`;
}

/** How close to the question timer's deadline a lock may come and still be the timer's, in ms (delivery). */
export const TIMER_SLACK = 250;

/**
 * The projector's word for a locked round with no buzz: "Time's up" when the round was seen open
 * and locked at its question timer's deadline (`closesAt`, on this page's clock; null for none),
 * "Locked" when seen open and locked before it (the host locked it), else "Get ready" (a new round
 * the host has not opened yet).
 */
export function quietLockLabel(sawOpen: boolean, closesAt: number | null, now: number): string {
  if (!sawOpen) return "Get ready";
  return closesAt !== null && now >= closesAt - TIMER_SLACK ? "Time's up" : "Locked";
}

/**
 * What the host console says next to the phase when no timer runs: a locked round, fresh or
 * closed, turns any press into a false start (an armed round's countdown speaks for itself).
 */
export function phaseDetail(phase: Phase): string {
  if (phase === "open") return "buzzers live";
  return phase === "locked" ? "buzzers closed: a press now is a false start" : "";
}
