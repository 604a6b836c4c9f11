/**
 * The room engine: `apply(room, command, now)` decides what a command does to a room and returns
 * the effects (messages, closes, journal entries, records, log lines, the next wake-up). It never
 * reads a clock, sets a timer or touches a socket. The room is updated in place: it belongs to
 * exactly one owner, and copying a 20,000-player room for every buzz would cost more than deciding it.
 */
import { roundEntry } from "../journal.ts";
import { JOINS_PER_ADDRESS } from "../limit.ts";
import * as rules from "../round.ts";
import type { RoomCommand, RoomEffect } from "./commands.ts";
import { type Buzz, buzzes, raiseReach, rejoin, settle } from "./decide.ts";
import { crowdLog, log, publishNow, publishSoon, roundLine, type Settings, snapshot } from "./effects.ts";
import { pruneGuards } from "./guards.ts";
import { host } from "./host.ts";
import { join } from "./join.ts";
import { timeUp, timing } from "./rules.ts";
import { depart } from "./scores.ts";
import { type Room, setConn } from "./state.ts";

/** What the engine is applied to: a command from the bus, a batch of buzzes, or a timer's tick. */
export type EngineCommand =
  | Exclude<RoomCommand, Buzz>
  | { type: "buzzes"; list: readonly Buzz[] }
  | { type: "tick" }
  /** Forget players who left longer ago than the resume grace. */
  | { type: "sweep" };

/** How early a timer may fire and still count as on time, in ms. */
const TIMER_SLACK = 1;

/** Applies one command to a room: updates the room in place and returns what must happen outside it. */
export function apply(room: Room, cmd: EngineCommand, now: number, s: Settings): RoomEffect[] {
  const out: RoomEffect[] = [];
  switch (cmd.type) {
    case "join":
      join(room, cmd, now, s, out);
      break;
    case "buzzes":
      buzzes(room, cmd.list, now, s, out);
      break;
    case "link": {
      const player = room.players.get(cmd.player);
      if (player && player.conn === cmd.conn) player.link = cmd.link;
      raiseReach(room, cmd.link, s);
      break;
    }
    case "prospects": {
      const was = room.prospects.get(cmd.gateway);
      if (cmd.link || cmd.unmeasured)
        room.prospects.set(cmd.gateway, { link: cmd.link, unmeasured: cmd.unmeasured });
      else room.prospects.delete(cmd.gateway);
      raiseReach(room, cmd.link, s, cmd.unmeasured);
      if (was?.unmeasured && !cmd.unmeasured) lookAgain(room, now, out);
      break;
    }
    case "leave":
      leave(room, cmd, now, s, out);
      break;
    case "host":
      host(room, cmd.conn, cmd.action, now, s, out);
      // Last: the owner sends it once the action's journal entries are written, so a gateway that
      // hears it never sends the action again, and one that does not may (a new owner reads them).
      if (cmd.seq !== undefined && cmd.conn !== null)
        out.push({ type: "handled", conn: cmd.conn, seq: cmd.seq });
      break;
    case "terminal":
      room.terminal = cmd.on;
      // Players are told whether a host runs the room.
      publishSoon(room, now);
      break;
    case "sync":
      snapshot(room, now, cmd.conn, cmd.player, out);
      break;
    case "rebind":
      rebind(room, cmd.conn, cmd.player, cmd.host === true, now);
      break;
    case "tick":
      tick(room, now, s, out);
      break;
    case "sweep":
      sweep(room, now, s, out);
      break;
  }
  // A link changes no deadline that is set; the next tick sees the new window.
  if (cmd.type === "link" || cmd.type === "prospects") return out;
  if (cmd.type !== "tick" && cmd.type !== "sweep") room.activeAt = now;
  out.push({ type: "wake", at: nextWake(room) });
  return out;
}

/** Whether a player's buzz can be answered at once: a final place or a lockout cannot change. */
export function decided(room: Room, player: string): boolean {
  const where = rules.standing(room.round, player);
  return typeof where === "object" || where === "locked";
}

function leave(
  room: Room,
  cmd: Extract<EngineCommand, { type: "leave" }>,
  now: number,
  s: Settings,
  out: RoomEffect[],
) {
  const { conn, player: id } = cmd;
  if (id === null) {
    room.watchers.delete(conn);
    if (room.hosts.delete(conn)) publishSoon(room, now);
    return;
  }
  const player = room.players.get(id);
  if (!player || player.conn !== conn) return;
  setConn(room, player, null);
  player.leftAt = now;
  const said = s.logging
    ? crowdLog(`${player.name} disconnected`, room.players.size, room.online, false)
    : null;
  if (said !== null) out.push(log(room, said));
  // A JSON player stays, so a resume keeps identity; a plain-text one can never come back, and
  // stays only while it has a press in the round.
  if (player.plain && !cmd.gone && rules.standing(room.round, id) === undefined) depart(room, player, out);
  // One fewer player who could still buzz: the window may close sooner. Looked at on the next tick,
  // so a thousand clients leaving together cost one pass, not a thousand.
  if (room.round.pending.length > 0) room.settleAt = now;
  publishSoon(room, now);
}

function tick(room: Room, now: number, s: Settings, out: RoomEffect[]) {
  const { round } = room;
  if (round.phase === "armed" && round.releaseAt !== null && now >= round.releaseAt - TIMER_SLACK) {
    // Timers may fire a hair early against the monotonic clock: the release time itself is the rule.
    room.round = rules.release(round, Math.max(now, round.releaseAt));
    timing(room, round, now);
    out.push({ type: "persist", entries: [roundEntry(room)] });
    if (s.logging) out.push(log(room, roundLine(room.round, now)));
    publishNow(room, now, out);
  }
  timeUp(room, now, TIMER_SLACK, s, out);
  if (room.settleAt !== null && now >= room.settleAt) settle(room, now, s, out);
  if (room.publish !== null && now >= room.publish.at) publishNow(room, now, out);
}

/**
 * Every connection of a gateway can be measured again (a held buzz got its measure): the window
 * waited as long as for one that cannot, and may close much sooner. Its reach is measured afresh at
 * a tick now, rather than at the deadline that wait set (unmeasuredWait: 377 ms by default).
 */
function lookAgain(room: Room, now: number, out: RoomEffect[]) {
  if (room.settleAt === null) return;
  room.reach = { ...room.reach, at: Number.NEGATIVE_INFINITY };
  room.settleAt = now;
  out.push({ type: "wake", at: now });
}

/** A connection that stayed open through a takeover is in the room again, as the player, host or viewer it was. */
function rebind(room: Room, conn: string, id: string | null, host: boolean, now: number) {
  if (id === null) {
    room.watchers.add(conn);
    if (host) room.hosts.add(conn);
    return publishSoon(room, now);
  }
  const player = room.players.get(id);
  if (!player || (player.conn !== null && player.conn !== conn)) return;
  rejoin(room, player, conn, now);
}

/**
 * Forgets players who left longer ago than the resume grace, so a room's memory follows who is
 * there, not everyone who ever came. A player with a place in the current round stays until it ends.
 */
function sweep(room: Room, now: number, s: Settings, out: RoomEffect[]) {
  pruneGuards(room, now, s.joinRate ?? JOINS_PER_ADDRESS);
  const before = room.players.size;
  for (const p of room.players.values()) {
    if (p.conn !== null || p.leftAt === null || now - p.leftAt < s.resumeGrace) continue;
    if (rules.standing(room.round, p.id) === undefined) depart(room, p, out);
  }
  if (room.players.size < before) publishSoon(room, now);
}

/**
 * Starts a room restored from its journal or taken over: its players have no connection here, and
 * their resume grace runs from now, so those who never come back are forgotten like any who left.
 */
export function awaitReturns(room: Room, now: number): void {
  for (const p of room.players.values()) if (p.conn === null) p.leftAt ??= now;
}

/** The earliest moment the room needs a tick: a settle, a release, a publish or the timer; null for none. */
export function nextWake(room: Room): number | null {
  const { round } = room;
  const times = [
    room.settleAt,
    room.publish?.at ?? null,
    round.phase === "armed" ? round.releaseAt : null,
    round.phase === "open" ? room.closesAt : null,
  ];
  let at: number | null = null;
  for (const t of times) if (t !== null && (at === null || t < at)) at = t;
  return at;
}
