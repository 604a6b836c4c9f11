/**
 * Where a press falls against its round's moments (when it began, opened and was locked), pure:
 * the one rule the round's rules record or refuse a press by, and the engine words a refusal by.
 */
import type { Round } from "./round.ts";

/**
 * Where a press falls: `before` the round began (made in the round before, its buzz late), `early`
 * (beyond doubt before the release: a false start), `in` the round, `unsure` (it may or may not have
 * been made before the lock: no place, and no false start), or `late` (after the lock, beyond doubt,
 * or in a round never opened: a false start).
 */
export type PressTiming = "before" | "early" | "in" | "unsure" | "late";

/** Where a press made at `press`, give or take `uncertainty` ms, falls in `round`. */
export function pressTiming(round: Round, press: number, uncertainty: number): PressTiming {
  const { startedAt, releaseAt, lockedAt, phase } = round;
  if (startedAt !== null && press + uncertainty < startedAt) return "before";
  // Within its uncertainty of the release a press gets the benefit of the doubt.
  if (press + uncertainty < (releaseAt ?? Number.NEGATIVE_INFINITY)) return "early";
  // Made while the round was open and heard after its lock, a press is like any other: the window
  // may still be waiting for it.
  if (phase !== "locked" || (lockedAt !== null && press < lockedAt)) return "in";
  return lockedAt !== null && press - uncertainty < lockedAt ? "unsure" : "late";
}
