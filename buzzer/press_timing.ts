/**
 * Where a press falls against its round's moments (when it began, opened and was locked), pure:
 * the one rule the round's rules record or refuse a press by, and the engine words a refusal by.
 */
import type { Round } from "./round.ts";

/**
 * Where a press falls: `before` the round began (made in the round before, its buzz late), in its
 * `earlier` open spell (one a lock ended before the round was opened again: a press like any other,
 * heard late), `early` (beyond doubt before the release: a false start), `in` the round, `unsure`
 * (it may or may not have been made before the lock: no place, and no false start), or `late` (after
 * the lock, beyond doubt, or in a round never opened: a false start).
 */
export type PressTiming = "before" | "earlier" | "early" | "in" | "unsure" | "late";

/** Where a press made at `press`, give or take `uncertainty` ms, falls in `round`. */
export function pressTiming(round: Round, press: number, uncertainty: number): PressTiming {
  const { startedAt, releaseAt, lockedAt, phase, earlier } = round;
  if (startedAt !== null && press + uncertainty < startedAt) return "before";
  // Opened again after a lock: a press made in the spell the lock ended counts, heard however late;
  // one that may have come after that lock takes no place. One made while locked falls to the rules below.
  if (earlier !== null && press >= earlier.from && press < (releaseAt ?? Number.POSITIVE_INFINITY)) {
    if (press < earlier.to) return "earlier";
    if (press - uncertainty < earlier.to) return "unsure";
  }
  // Within its uncertainty of the release a press gets the benefit of the doubt.
  if (press + uncertainty < (releaseAt ?? Number.NEGATIVE_INFINITY)) return "early";
  // Made while the round was open and heard after its lock, a press is like any other: the window
  // may still be waiting for it.
  if (phase !== "locked" || (lockedAt !== null && press < lockedAt)) return "in";
  return lockedAt !== null && press - uncertainty < lockedAt ? "unsure" : "late";
}
