/**
 * The host's ✓/✗ marks of the round's answers: `judge` gives the points the room's rules say, once
 * per answer; `unjudge` takes a mark back, and exactly the points it gave, so the host may mark again.
 */
import { judgedEntry, unjudgedEntry } from "../journal.ts";
import { boardOf, ownKey, ownScore } from "./board.ts";
import type { HostMessage, RoomEffect } from "./commands.ts";
import { log, named, publishNow, refuse, type Settings, snapshot } from "./effects.ts";
import { addPoints } from "./scores.ts";
import type { Player, Room } from "./state.ts";
import { resendPlace } from "./views.ts";

/** The host actions on marks. */
export type MarkAction = Extract<HostMessage, { type: "judge" | "unjudge" }>;

/** Marks a player's answer or takes the mark back; an unknown player is refused with NO_SUCH_PLAYER. */
export function markAction(
  room: Room,
  conn: string | null,
  action: MarkAction,
  now: number,
  s: Settings,
  out: RoomEffect[],
): void {
  const player = named(room, conn, action.player, s, out);
  if (!player) return;
  if (action.type === "judge") {
    if (judge(room, conn, player, action.right ? "right" : "wrong", s, out)) publishNow(room, now, out);
    return;
  }
  if (!unjudge(room, conn, player, s, out)) return;
  publishNow(room, now, out);
  // A score message keeps the mark a player was told (see view.ts applyScore): its snapshot has none.
  if (player.conn && !player.plain) snapshot(room, now, player.conn, player.id, out);
}

/** Marks an answer and gives its points by the rules now; false (the host refused) if it is marked already. */
function judge(
  room: Room,
  conn: string | null,
  player: Player,
  verdict: "right" | "wrong",
  s: Settings,
  out: RoomEffect[],
): boolean {
  const was = room.judged.get(player.id);
  if (was) {
    const message = `${player.name}'s answer is already marked ${was.verdict} this round`;
    if (conn) refuse(out, s, conn, "ALREADY_JUDGED", message);
    return false;
  }
  // Kept with the mark: an undo takes back these, whatever the rules say by then.
  const mark = { verdict, points: room.rules[verdict] };
  room.judged.set(player.id, mark);
  // A marked place players were sent goes out again, with its mark.
  resendPlace(room, player.id);
  // Journaled even when the mark is worth no points: a restart must still refuse a second one.
  out.push({ type: "persist", entries: [judgedEntry(room, player.id, mark)] });
  addPoints(room, player, mark.points, verdict, s, out);
  // A mark worth no points changes no score, but the server's terminal still tells the host of it.
  if (mark.points === 0 && s.logging) out.push(log(room, `${player.name}: ${verdict}, no points`));
  tellMark(room, player, verdict, out);
  return true;
}

/** Takes a mark back with the points it gave; false (the host refused with NOT_JUDGED) if there is none. */
function unjudge(room: Room, conn: string | null, player: Player, s: Settings, out: RoomEffect[]): boolean {
  const mark = room.judged.get(player.id);
  if (!mark) {
    if (conn) refuse(out, s, conn, "NOT_JUDGED", `${player.name}'s answer is not marked this round`);
    return false;
  }
  room.judged.delete(player.id);
  // Players get the place again, without the mark.
  resendPlace(room, player.id);
  out.push({ type: "persist", entries: [unjudgedEntry(room, player.id)] });
  const why = `${mark.verdict} taken back`;
  addPoints(room, player, -mark.points, why, s, out);
  if (mark.points === 0 && s.logging) out.push(log(room, `${player.name}: ${why}, no points`));
  return true;
}

/**
 * Tells a marked player its mark in its own score message, even when the mark is worth no points:
 * a place past VIEW.top is not in the order players are sent, so nothing else would say it.
 */
function tellMark(room: Room, player: Player, verdict: "right" | "wrong", out: RoomEffect[]): void {
  if (player.conn === null || player.plain) return;
  boardOf(room);
  const score = ownScore(room, player);
  // Told now with its rank: the publish that follows need not tell this player again.
  player.told = ownKey(score);
  out.push({ type: "send", conn: player.conn, msg: { type: "score", ...score, judged: verdict } });
}
