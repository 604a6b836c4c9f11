/**
 * The room's rules in play: the host sets them; a round opened now or at its release gets the
 * per-question timer; a round locks itself when its time is up or its first N places are final.
 */
import { signed } from "../format.ts";
import { roundEntry } from "../journal.ts";
import type { Rules } from "../protocol.ts";
import * as round from "../round.ts";
import type { RoomEffect } from "./commands.ts";
import { log, publishNow, publishSoon, roundLine, type Settings } from "./effects.ts";
import type { Room } from "./state.ts";

/** Changes some of the room's rules (the rest stay), journals and logs them, and shows hosts and viewers. */
export function setRules(room: Room, given: Partial<Rules>, now: number, s: Settings, out: RoomEffect[]) {
  room.rules = { ...room.rules, ...given };
  out.push({ type: "persist", entries: [{ e: "rules", room: room.code, rules: { ...room.rules } }] });
  if (s.logging) out.push(log(room, `Rules: ${rulesLine(room.rules)}`));
  publishNow(room, now, out);
}

/** Opens the round now, or arms it to open after `countdown` ms (gateways tell each client when, on its clock). */
export function open(room: Room, countdown: number, now: number, out: RoomEffect[]): void {
  const before = room.round;
  room.round = round.arm(before, now, countdown);
  if (room.round !== before && room.round.phase === "armed" && room.round.releaseAt !== null) {
    out.push({ type: "release", room: room.code, round: room.round.number, at: room.round.releaseAt });
  }
}

/**
 * Starts or stops the per-question timer as the round's phase changed from `before`: a round that
 * opens locks itself `timer` ms after its opening; a round no longer open has no timer. A change of
 * phase or round also says what locked it: the host, when it locked the open round.
 */
export function timing(room: Room, before: round.Round, now: number): void {
  const { phase, releaseAt } = room.round;
  const sameRound = before.number === room.round.number;
  if (phase !== before.phase || !sameRound)
    room.lockedBy = sameRound && before.phase === "open" && phase === "locked" ? "host" : null;
  if (phase !== "open") room.closesAt = null;
  else if (before.phase !== "open" || !sameRound)
    room.closesAt = room.rules.timer > 0 ? (releaseAt ?? now) + room.rules.timer : null;
}

/** Locks an open round whose time is up (at `now`, a tick at or after its deadline). */
export function timeUp(room: Room, now: number, slack: number, s: Settings, out: RoomEffect[]): void {
  if (room.round.phase !== "open" || room.closesAt === null || now < room.closesAt - slack) return;
  lockItself(room, now, "timer", "time is up", s, out);
  publishNow(room, now, out);
}

/** Locks an open round once its first `autoLock` places are final (the view goes out with theirs). */
export function autoLock(room: Room, now: number, s: Settings, out: RoomEffect[]): void {
  const { autoLock } = room.rules;
  if (autoLock === 0 || room.round.phase !== "open" || room.round.placed.length < autoLock) return;
  lockItself(room, now, "autoLock", `${autoLock} ${autoLock === 1 ? "buzz" : "buzzes"} in`, s, out);
  publishSoon(room, now);
}

function lockItself(
  room: Room,
  now: number,
  by: "timer" | "autoLock",
  why: string,
  s: Settings,
  out: RoomEffect[],
): void {
  room.round = round.lock(room.round, now);
  room.closesAt = null;
  room.lockedBy = by;
  out.push({ type: "persist", entries: [roundEntry(room)] });
  if (s.logging) out.push(log(room, `${roundLine(room.round, now)} (${why})`));
}

/** `auto-lock after 1, timer 30s, right +1, wrong 0, false start -1, first buzz per team`. */
export function rulesLine(r: Rules): string {
  return [
    r.autoLock ? `auto-lock after ${r.autoLock}` : "no auto-lock",
    r.timer ? `timer ${r.timer / 1000}s` : "no timer",
    `right ${signed(r.right)}`,
    `wrong ${signed(r.wrong)}`,
    `false start ${signed(r.falseStart)}`,
    r.teamFirst ? "first buzz per team" : "every buzz",
  ].join(", ");
}
