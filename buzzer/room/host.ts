/** Host actions: open, countdown, lock, new round, next question, kick, scores, rules, and the fairness log download. */
import { Close } from "../../lib/close.ts";
import { roundEntry } from "../journal.ts";
import * as rules from "../round.ts";
import type { HostMessage, RoomEffect } from "./commands.ts";
import { announce, settle, teamAnswered } from "./decide.ts";
import { forget, log, publishNow, refuse, roundLine, type Settings } from "./effects.ts";
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
      room.settleAt = null;
      for (const p of room.players.values()) if (p.plain && p.conn === null) depart(room, p, out);
      if (action.type === "next") open(room, action.countdown ?? 0, now, out);
      break;
    }
    case "kick":
      return kick(room, conn, action.player, now, s, out);
    case "award":
    case "judge":
    case "team":
    case "forgive":
    case "scores":
      return scoreAction(room, conn, action, now, s, out);
    case "rules":
      return setRules(room, action.rules, now, s, out);
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

function kick(room: Room, conn: string | null, id: string, now: number, s: Settings, out: RoomEffect[]) {
  const player = room.players.get(id);
  if (!player) {
    if (conn) refuse(out, s, conn, "NO_SUCH_PLAYER", `no player ${id} in room ${room.code}`);
    return;
  }
  forget(room, player, out);
  if (player.conn)
    out.push({ type: "close", conn: player.conn, code: Close.KICKED, reason: "removed by the host" });
  if (s.logging) out.push(log(room, `${player.name} was kicked`));
  settle(room, now, s, out);
  publishNow(room, now, out);
}
