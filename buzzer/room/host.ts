/** Host actions: open, countdown, lock, new round, next question, moderation, marks, a search for players, scores, rules, and the fairness log download. */
import { roundEntry } from "../journal.ts";
import * as rules from "../round.ts";
import type { HostMessage, RoomEffect } from "./commands.ts";
import { announce, teamAnswered } from "./decide.ts";
import { log, publishNow, roundLine, type Settings } from "./effects.ts";
import { find } from "./find.ts";
import { markAction } from "./marks.ts";
import { kick, prune, rename } from "./moderation.ts";
import { formatRecords } from "./records.ts";
import { open, setRules, timing } from "./rules.ts";
import { depart, scoreAction } from "./scores.ts";
import type { Room } from "./state.ts";

/** Applies a host action to a room. */
export function host(
  room: Room,
  conn: string | null,
  action: HostMessage,
  now: number,
  s: Settings,
  out: RoomEffect[],
) {
  const before = room.round;
  switch (action.type) {
    case "arm":
      open(room, action.countdown ?? 0, now, out);
      break;
    case "lock":
      room.round = rules.lock(room.round);
      break;
    case "reset":
    case "next": {
      // Sent from a round the room has left already (a double click, a second console): that new round is this one.
      if (action.round !== undefined && action.round !== room.round.number) return;
      // The first question of a room that has not played yet is its first round, not its second.
      if (action.type === "next" && untouched(room)) {
        open(room, action.countdown ?? 0, now, out);
        break;
      }
      // Presses still in their window are placed, and the final order goes out, before the round is cleared.
      const { round, placed, answered } = rules.settle(
        room.round,
        Infinity,
        Infinity,
        0,
        room.rules.teamFirst,
      );
      room.round = round;
      announce(room, placed, now, s, out);
      teamAnswered(room, answered, s, out);
      if (round.placed.length > 0) publishNow(room, now, out);
      room.round = rules.reset(round);
      // Everyone can buzz again: the window's reach is measured afresh.
      room.reach = { ms: 0, at: -Infinity };
      room.claims.clear();
      room.judged.clear();
      room.late.clear();
      room.settleAt = null;
      for (const p of room.players.values()) if (p.plain && p.conn === null) depart(room, p, out);
      if (action.type === "next") open(room, action.countdown ?? 0, now, out);
      break;
    }
    case "kick":
      return kick(room, conn, action, now, s, out);
    case "rename":
      return rename(room, conn, action, now, s, out);
    case "prune":
      return prune(room, now, s, out);
    case "judge":
    case "unjudge":
      return markAction(room, conn, action, now, s, out);
    case "award":
    case "team":
    case "forgive":
    case "scores":
      return scoreAction(room, conn, action, now, s, out);
    case "rules":
      return setRules(room, action.rules, now, s, out);
    case "find":
      return find(room, conn, action.query, out);
    case "log": {
      const format = action.format ?? "jsonl";
      if (conn)
        out.push({
          type: "send",
          conn,
          msg: { type: "log", format, data: formatRecords(room.records, format) },
        });
      return;
    }
  }
  timing(room, before, now);
  if (room.round !== before) {
    out.push({ type: "persist", entries: [roundEntry(room)] });
    if (s.logging) out.push(log(room, roundLine(room.round, now)));
  }
  publishNow(room, now, out);
}

/**
 * A round nothing has happened in yet: never opened (a journal does not keep the release time of
 * one that was, but keeps what locked it), no press and no lockout.
 */
function untouched(room: Room): boolean {
  const { phase, releaseAt, placed, pending, lockedOut } = room.round;
  if (room.lockedBy !== null) return false;
  return phase === "locked" && releaseAt === null && !placed.length && !pending.length && !lockedOut.length;
}
