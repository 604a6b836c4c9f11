/** Host actions: open, countdown, lock, new round, moderation, and the fairness log download. */
import { roundEntry } from "../journal.ts";
import * as rules from "../round.ts";
import type { HostMessage, RoomEffect } from "./commands.ts";
import { announce } from "./decide.ts";
import { forget, log, publishNow, roundLine, type Settings } from "./effects.ts";
import { kick, prune, rename } from "./moderation.ts";
import { formatRecords } from "./records.ts";
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
      room.round = rules.arm(room.round, now, action.countdown ?? 0);
      if (room.round.phase === "armed" && room.round.releaseAt !== null) {
        out.push({ type: "release", room: room.code, round: room.round.number, at: room.round.releaseAt });
      }
      break;
    case "lock":
      room.round = rules.lock(room.round);
      break;
    case "reset": {
      // Presses still in their window are placed, and the final order goes out, before the round is cleared.
      const { round, placed } = rules.settle(room.round, Infinity, Infinity, 0);
      room.round = round;
      announce(room, placed, now, s, out);
      if (round.placed.length > 0) publishNow(room, now, out);
      room.round = rules.reset(round);
      // Everyone can buzz again: the window's reach is measured afresh.
      room.reach = { ms: 0, at: -Infinity };
      room.claims.clear();
      room.settleAt = null;
      for (const p of room.players.values()) if (p.plain && p.conn === null) forget(room, p, out);
      break;
    }
    case "kick":
      return kick(room, conn, action, now, s, out);
    case "rename":
      return rename(room, conn, action, now, s, out);
    case "prune":
      return prune(room, now, s, out);
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
  if (room.round !== before) {
    out.push({ type: "persist", entries: [roundEntry(room)] });
    if (s.logging) out.push(log(room, roundLine(room.round, now)));
  }
  publishNow(room, now, out);
}
