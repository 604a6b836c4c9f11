/** When the projector sounds: the moments a room full of people must not miss. Pure. */
import type { RoomView } from "../protocol.ts";

/** A sound the projector plays: the round opens, someone buzzes first, someone presses too early. */
export type Cue = "go" | "first" | "falseStart";

/**
 * The cues a new view of the room calls for, compared with the one before (none for the first
 * view: a projector that joins mid-game has nothing to announce).
 */
export function cues(before: RoomView | null, after: RoomView): Cue[] {
  if (!before) return [];
  const sameRound = before.round === after.round;
  const out: Cue[] = [];
  if (after.phase === "open" && !(sameRound && before.phase === "open")) out.push("go");
  if (after.order.length > 0 && !(sameRound && before.order.length > 0)) out.push("first");
  const wasOut = new Set(sameRound ? before.players.filter((p) => p.lockedOut).map((p) => p.id) : []);
  // A press too late (after the round closed) is no false start: no sound for it.
  if (after.players.some((p) => p.lockedOut && !p.late && !wasOut.has(p.id))) out.push("falseStart");
  return out;
}

/**
 * Whether the room is still gathering: the first round has not been played, no buzz, no points.
 * The default room's first round is open from the start (as the original's): until its first buzz
 * it gathers too, though any press now counts.
 */
export function isLobby(view: RoomView): boolean {
  return (
    view.round === 1 &&
    (view.phase === "locked" || (view.phase === "open" && view.openFromStart === true)) &&
    view.lockedBy === undefined &&
    view.order.length === 0 &&
    view.scores.every((s) => s.points === 0)
  );
}
