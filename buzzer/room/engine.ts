/**
 * The room engine: `apply(room, command, now)` decides what a command does to a room and returns
 * the effects (messages, closes, journal entries, records, log lines, the next wake-up). It never
 * reads a clock, sets a timer or touches a socket. The room is updated in place: it belongs to
 * exactly one owner, and copying a 20,000-player room for every buzz would cost more than deciding it.
 */
import { Close } from "../../lib/close.ts";
import { sameSecret } from "../../lib/secret.ts";
import type { Link } from "../fair.ts";
import { roundEntry, scoreEntry } from "../journal.ts";
import { JOINS_PER_ADDRESS } from "../limit.ts";
import { checkName } from "../names.ts";
import type { ErrorCode } from "../protocol.ts";
import * as rules from "../round.ts";
import type { RoomCommand, RoomEffect } from "./commands.ts";
import { type Buzz, buzzes, raiseReach, settle, tell, unmeasuredWait } from "./decide.ts";
import { log, publishNow, publishSoon, refuse, roundLine, type Settings, snapshot } from "./effects.ts";
import { addOne, guardOf, maySecret, pruneGuards, wrongSecret } from "./guards.ts";
import { host } from "./host.ts";
import { banned } from "./moderation.ts";
import { timeUp, timing } from "./rules.ts";
import { depart, teamFor } from "./scores.ts";
import { addPlayer, freshId, type Player, type Room } from "./state.ts";

/** What the engine is applied to: a command from the bus, a batch of buzzes, or a timer's tick. */
export type EngineCommand =
  | Exclude<RoomCommand, Buzz>
  | { type: "buzzes"; list: readonly Buzz[] }
  | { type: "tick" }
  /** Forget players who left longer ago than the resume grace. */
  | { type: "sweep" };

/** A resume token is 32 hex digits (an unknown well-formed one is adopted, e.g. after a restart). */
const TOKEN = /^[0-9a-f]{32}$/;
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
      if (player) player.link = cmd.link;
      raiseReach(room, cmd.link, s);
      break;
    }
    case "prospects":
      if (cmd.link || cmd.unmeasured)
        room.prospects.set(cmd.gateway, { link: cmd.link, unmeasured: cmd.unmeasured });
      else room.prospects.delete(cmd.gateway);
      raiseReach(room, cmd.link, s);
      if (cmd.unmeasured) room.reach = { ms: Math.max(room.reach.ms, unmeasuredWait(s)), at: room.reach.at };
      break;
    case "leave":
      leave(room, cmd.conn, cmd.player, now, s, out);
      break;
    case "host":
      host(room, cmd.conn, cmd.action, now, s, out);
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

function join(
  room: Room,
  cmd: Extract<RoomCommand, { type: "join" }>,
  now: number,
  s: Settings,
  out: RoomEffect[],
) {
  const no = (code: ErrorCode, message: string) => refuse(out, s, cmd.conn, code, message);
  const rate = s.joinRate ?? JOINS_PER_ADDRESS;
  const guard = guardOf(room, cmd.address, now, rate);
  if (cmd.secret !== undefined) {
    if (!maySecret(guard, now))
      return no("RATE_LIMITED", "too many wrong secrets from your address: wait a minute");
    if (!sameSecret(cmd.secret, room.secret) && !sameSecret(cmd.secret, s.mainSecret)) {
      wrongSecret(guard, now);
      return no("BAD_SECRET", `wrong host secret for room ${room.code}`);
    }
    return enter(room, cmd.conn, { player: null, host: true }, now, out);
  }
  if (cmd.watch) return enter(room, cmd.conn, { player: null, host: false }, now, out);
  const name = cmd.name !== undefined ? checkName(cmd.name) : null;
  if (name && !name.ok) return no(name.code, name.message);
  const bannedToken = banned(room, { token: cmd.token });
  if (bannedToken) return no("BANNED", bannedToken);
  const known = cmd.token ? room.players.get(room.tokens.get(cmd.token) ?? "") : undefined;
  if (known) {
    // A player back may be a slow one the window's bound has not counted since it left.
    raiseReach(room, cmd.link ?? known.link, s);
    return enter(room, cmd.conn, { player: known, host: false, link: cmd.link }, now, out);
  }
  if (cmd.token !== undefined && !TOKEN.test(cmd.token)) {
    return no("BAD_TOKEN", "resume token must be 32 hex digits");
  }
  const bannedName = banned(room, { name: name?.msg });
  if (bannedName) return no("BANNED", bannedName);
  const team = cmd.team === undefined ? null : teamFor(room, cmd.team);
  if (team && !team.ok) return no(team.code, team.message);
  if (!cmd.mayAdd || !addOne(guard, now, rate)) {
    return no("RATE_LIMITED", "too many players joined from your address: try again shortly");
  }
  const plain = cmd.plain === true;
  const player = addPlayer(room, {
    id: freshId(room, s.newId),
    name: name?.msg ?? `Player ${++room.anonymous}`,
    // The original protocol has no way to present a token, so plain players get none.
    token: plain ? "" : (cmd.token ?? s.newId()),
    plain,
    conn: null,
    link: cmd.link,
    leftAt: null,
    team: team?.msg ?? null,
  });
  raiseReach(room, cmd.link, s);
  const { id, name: taken, token } = player;
  const entries = [{ e: "player" as const, room: room.code, id, name: taken, token, plain }];
  out.push({ type: "persist", entries: team ? [...entries, scoreEntry(room, player)] : entries });
  if (s.logging)
    out.push(log(room, `${taken} joined${plain ? " (plain text)" : ""}${team ? ` team ${team.msg}` : ""}`));
  enter(room, cmd.conn, { player, host: false, added: true }, now, out);
}

/** Who a connection enters as: a player (new or resumed), or a host or viewer. */
interface Entrant {
  player: Player | null;
  host: boolean;
  /** A player new to the room (the gateway counts it against the address). */
  added?: boolean;
  /** The link measured on the new connection, for a resumed player. */
  link?: Link | null;
}

function enter(room: Room, conn: string, who: Entrant, now: number, out: RoomEffect[]) {
  const { player, host } = who;
  if (player) {
    if (player.conn !== null && player.conn !== conn) {
      out.push({
        type: "close",
        conn: player.conn,
        code: Close.REPLACED,
        reason: "resumed on another connection",
      });
    }
    player.conn = conn;
    player.leftAt = null;
    if (who.link) player.link = who.link;
  } else {
    room.watchers++;
    if (host) room.hosts.add(conn);
  }
  out.push({
    type: "bind",
    conn,
    room: room.code,
    player: player?.id ?? null,
    host,
    added: who.added === true,
  });
  if (!player?.plain) {
    const role = host ? "host" : "viewer";
    const welcome = {
      type: "welcome" as const,
      id: player?.id ?? role,
      name: player?.name ?? role,
      room: room.code,
      token: player?.token ?? "",
      host,
    };
    out.push({ type: "send", conn, msg: welcome });
    snapshot(room, now, conn, player?.id ?? null, out);
  }
  if (!player) {
    // Players are told whether a host runs the room.
    if (host) publishSoon(room, now);
    return;
  }
  const placed = rules.standing(room.round, player.id);
  if (typeof placed === "object") tell(room, conn, placed, 1, out);
  publishSoon(room, now);
}

function leave(room: Room, conn: string, id: string | null, now: number, s: Settings, out: RoomEffect[]) {
  if (id === null) {
    room.watchers = Math.max(0, room.watchers - 1);
    if (room.hosts.delete(conn)) publishSoon(room, now);
    return;
  }
  const player = room.players.get(id);
  if (!player || player.conn !== conn) return;
  player.conn = null;
  player.leftAt = now;
  if (s.logging) out.push(log(room, `${player.name} disconnected`));
  // A JSON player stays, so a resume keeps identity; a plain-text one can never come back, and
  // stays only while it has a press in the round.
  if (player.plain && rules.standing(room.round, id) === undefined) depart(room, player, out);
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

/** A connection that stayed open through a takeover is in the room again, as the player, host or viewer it was. */
function rebind(room: Room, conn: string, id: string | null, host: boolean, now: number) {
  if (id === null) {
    room.watchers++;
    if (host) room.hosts.add(conn);
    return publishSoon(room, now);
  }
  const player = room.players.get(id);
  if (!player || (player.conn !== null && player.conn !== conn)) return;
  player.conn = conn;
  player.leftAt = null;
  publishSoon(room, now);
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
