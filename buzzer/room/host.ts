/** Host actions: open, countdown, lock, new round, next question, moderation, marks, a search for players, scores, rules, and the fairness log download. */
import { roundEntry } from "../journal.ts";
import * as rules from "../round.ts";
import type { HostMessage, RoomEffect } from "./commands.ts";
import { announce, teamAnswered } from "./decide.ts";
import { log, publishNow, refuse, roundLine, type Settings } from "./effects.ts";
import { find } from "./find.ts";
import { markAction } from "./marks.ts";
import { kick, prune, rename } from "./moderation.ts";
import { formatRecords } from "./records.ts";
import { open, setRules, timing } from "./rules.ts";
import { depart, scoreAction } from "./scores.ts";
import type { Room } from "./state.ts";
import { opened, unplayed } from "./views.ts";

/**
 * A `next` naming the round a next started (or opened) less than this many ms ago is that click
 * again: a double click, or a key pressed twice, comes after the console has shown the new round, so
 * the second names it, and would otherwise skip the question it opened (and a first place with it).
 */
export const NEXT_TWIN_MS = 1000;

/** Applies a host action to a room. */
export function host(
  room: Room,
  conn: string | null,
  action: HostMessage,
  now: number,
  s: Settings,
  out: RoomEffect[],
) {
  let before = room.round;
  switch (action.type) {
    case "arm":
      if (left(room, action)) return;
      // A countdown that has ended opened the round, even if its tick has not run yet.
      room.round = rules.release(room.round, now);
      open(room, action.countdown ?? 0, now, out);
      break;
    case "lock":
      if (left(room, action)) return;
      // A countdown that has ended opened the round, even if its tick has not run yet: the host locks
      // an open round (presses made after GO are no false starts, and the host is what locked it).
      before = rules.release(room.round, now);
      room.round = rules.lock(before, now);
      break;
    case "reset":
    case "next": {
      if (left(room, action)) return;
      if (action.type === "next" && twinOfNext(room, action, now)) {
        if (s.logging)
          out.push(log(room, `Round ${room.round.number}: a second Next at once, taken for the first`));
        return;
      }
      // The first question of a room that has not played yet is its first round, not its second.
      if (action.type === "next" && unplayed(room)) {
        open(room, action.countdown ?? 0, now, out);
        room.lastNext = { round: room.round.number, at: now };
        break;
      }
      // Sent from the round before it was opened in place: the click (or its twin) that opened it is this one.
      if (action.type === "next" && action.unplayed && opened(room)) return;
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
      room.round = rules.reset(round, now);
      // Everyone can buzz again: the window's reach is measured afresh.
      room.reach = { ms: 0, at: -Infinity, everyone: false };
      room.claims.clear();
      room.judged.clear();
      room.late.clear();
      room.settleAt = null;
      for (const p of room.players.values()) if (p.plain && p.conn === null) depart(room, p, out);
      if (action.type === "next") {
        open(room, action.countdown ?? 0, now, out);
        room.lastNext = { round: room.round.number, at: now };
      }
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
      if (roundOver(room, conn, action, s, out)) return;
      return markAction(room, conn, action, now, s, out);
    case "forgive":
      if (roundOver(room, conn, action, s, out)) return;
      return scoreAction(room, conn, action, now, s, out);
    case "award":
    case "team":
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

/** Whether a `next` names the round a next started or opened less than NEXT_TWIN_MS ago: the same click, again. */
function twinOfNext(room: Room, action: { round?: number }, now: number): boolean {
  const last = room.lastNext;
  return last !== null && action.round === last.round && now - last.at < NEXT_TWIN_MS;
}

/**
 * Whether a round command (open, lock, new round, next question) was sent from a round the room has
 * left already (a double click, a second console, a late copy sent again): the click's round is over,
 * so there is nothing to do. One that names no round (an older client) is done as ever.
 */
function left(room: Room, action: { round?: number }): boolean {
  return action.round !== undefined && action.round !== room.round.number;
}

/** What a host action on one answer would have done, as a refusal says it was not done. */
const NOT_DONE = {
  judge: "answer was not marked",
  unjudge: "mark was not taken back",
  forgive: "false start was not forgiven",
} as const;

/**
 * Whether an action on one answer names a round the room has left (a click on the last question's
 * order, from a console that had not shown the next one yet): refused with ROUND_OVER, not done in
 * this round, where it would mark, unmark or forgive an answer the host never saw.
 */
function roundOver(
  room: Room,
  conn: string | null,
  action: Extract<HostMessage, { type: keyof typeof NOT_DONE }>,
  s: Settings,
  out: RoomEffect[],
): boolean {
  const { round } = action;
  if (round === undefined || round === room.round.number) return false;
  const name = room.players.get(action.player)?.name ?? action.player;
  const message = `the room is in round ${room.round.number}, not round ${round}: ${name}'s ${NOT_DONE[action.type]}`;
  if (conn) refuse(out, s, conn, "ROUND_OVER", message);
  return true;
}
