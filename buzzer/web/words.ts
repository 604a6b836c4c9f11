/** How the pages put places and gaps in words. Pure: no DOM, so it is tested without a browser. */
import { formatGap } from "../format.ts";
import type { Phase, RoomView } from "../protocol.ts";

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

/**
 * A player's rank as its page shows it (`2nd of 12`), or "" while no one has points, or while the
 * player has none: a line at 0 shares its rank with everyone who has not scored, and after one right
 * answer in a room of 2,500, "2nd of 2501" on 2,500 phones would tell each one it is runner-up.
 */
export function rankNote(rank: number, of: number, points: number, anyScored: boolean): string {
  return anyScored && points !== 0 ? `${ordinal(rank)} of ${of}` : "";
}

/**
 * The projector's word for a locked round with no buzz, from what the server says locked it: "Time's
 * up" for the question timer, "Locked" for a lock once it was open, else "Get ready" (a new round
 * the host has not opened yet). The snapshot says it, so a projector opened later reads the same.
 */
export function quietLockLabel(lockedBy: RoomView["lockedBy"]): string {
  if (lockedBy === undefined) return "Get ready";
  return lockedBy === "timer" ? "Time's up" : "Locked";
}

/**
 * What the host console says next to the phase when no timer runs: in a round not opened yet a
 * press is a false start; in one that was open and closed (`closed`), it is too late and costs
 * nothing (an armed round's countdown speaks for itself).
 */
export function phaseDetail(phase: Phase, closed = false): string {
  if (phase === "open") return "buzzers live";
  if (phase !== "locked") return "";
  return closed ? "buzzers closed: a press now is too late" : "buzzers closed: a press now is a false start";
}

/** A team's members (or the lobby's players) as the boards show them: `3 players`, and `· 1 away` for those who may come back. */
export function teamSize(players: number, away = 0): string {
  const here = `${players} ${players === 1 ? "player" : "players"}`;
  return away > 0 ? `${here} · ${away} away` : here;
}
