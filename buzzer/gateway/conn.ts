/** One connection's state on a gateway, kept on ServerWebSocket.data, and the limits on what it sends. */
import type { ServerWebSocket } from "bun";
import { Close } from "../../lib/close.ts";
import { type Bucket, RATE, type Rate, UNUSED } from "../limit.ts";
import { encode } from "../parse.ts";
import type { ErrorCode, ErrorDetail, ServerMessage } from "../protocol.ts";
import type { Audience, RoomCommand } from "../room/commands.ts";
import type { ConnTable } from "./conn_table.ts";
import { linkNews, newProbes, type Probes } from "./probes.ts";

/**
 * Per-connection state: at most 12 fields, as a gateway holds tens of thousands of connections and
 * JavaScriptCore gives an object of 9 to 12 fields 112 bytes, of 13 to 16 fields 160.
 */
export interface Conn {
  /** Its slot in the gateway's ConnTable, given when the connection opens. */
  slot: number;
  /** What the rooms' owners know the connection by, given at its first use (see ConnTable.idOf). */
  id: string | null;
  /** The client's address, as the upgrade saw it (per-address limits count by it). */
  address: string;
  /**
   * `new` until a join or a plain buzz tells: `json` once a join is sent (on its way or bound),
   * `plain` for the original's plain text. A refused JSON join leaves the connection new again.
   */
  mode: "new" | "json" | "plain";
  /** The room joined, once the owner has bound the connection. */
  room: string | null;
  /** The player's id in that room; null for a host or a viewer. */
  player: string | null;
  /** Whether it joined with the room's secret: it may send host actions, at HOST_RATE. */
  host: boolean;
  /** The player's name as last welcomed (kept after a kick, for the line that says so). */
  name: string | null;
  /** Plain buzzes waiting for a fresh measure of the link or for the join (see plain.ts); none is null. */
  waiting: Waiting | null;
  /** The last verdict sent, as sent: a repeat in the same round is answered with it again. */
  verdict: { round: number; frame: string } | null;
  /** Its message allowance, at rateOf(conn). */
  bucket: Bucket;
  /** What its ping frames (and a JSON player's clock probes) have measured. */
  probes: Probes;
}

/** Plain buzzes that wait, by when each arrived, oldest first, and what they wait for. */
export interface Waiting {
  /** `measure`: the first is held until a ping sent on its arrival comes back; `join`: the plain join is on its way. */
  for: "measure" | "join";
  at: number[];
}

/** A connection's socket. */
export type Socket = ServerWebSocket<Conn>;

/**
 * A connection that has neither joined nor buzzed for this long may be closed to make room when
 * the server is full. Only then: the original's client connects and may wait long for its first press.
 */
export const IDLE_GRACE = 10_000;
/** How many of the oldest connections a full server looks through for an idle one to close. */
const EVICT_SCAN = 1000;

/** How many messages a host may send: generous (a host may script a game), but bounded. */
export const HOST_RATE: Rate = { burst: 1000, perSecond: 500 };

/** Fresh state for a connection from `address` opening at `now`. */
export function newConn(address: string, now: number): Conn {
  return {
    slot: -1,
    id: null,
    address,
    mode: "new",
    room: null,
    player: null,
    host: false,
    name: null,
    waiting: null,
    verdict: null,
    bucket: UNUSED,
    probes: newProbes(now),
  };
}

/** The plain buzzes that waited for the join, oldest first; none wait after. */
export function takeWaiting(conn: Conn): number[] {
  const at = conn.waiting?.at ?? [];
  conn.waiting = null;
  return at;
}

/** Whether a plain buzz is held for a fresh measure of the connection's link. */
export function held(conn: Conn): boolean {
  return conn.waiting?.for === "measure";
}

/** The message rate a connection is held to: a host's, or everyone else's. */
export function rateOf(conn: Conn): Rate {
  return conn.host ? HOST_RATE : RATE;
}

/**
 * Closes a connection idle (not joined, never buzzed) for at least `grace` ms, among the first
 * EVICT_SCAN, to make room for a newcomer; false when there is none.
 */
export function evictIdle(conns: ConnTable, now: number, grace: number): boolean {
  let looked = 0;
  for (const ws of conns.values()) {
    if (++looked > EVICT_SCAN) break;
    // A connection that has joined, is joining or has buzzed is no longer new.
    if (ws.data.mode !== "new" || now - conns.openedAt(ws.data) < grace) continue;
    // Taken out now, so the next newcomer in the same turn looks for another.
    conns.delete(ws.data);
    ws.close(Close.TRY_AGAIN_LATER, "idle while the server is full");
    return true;
  }
  return false;
}

/** Who a connection is, for the server's lines: the player's name, `the host`, or `a client`. */
export function whoIs(conn: Conn): string {
  return conn.host ? "the host" : (conn.name ?? "a client");
}

/** The pub/sub topic of what a room publishes to one audience. */
export function topic(room: string, audience: Audience): string {
  return `${audience}:${room}`;
}

/** Tells a client what was refused (and what more its code says): an `error` message, or a line of text for a plain-text client. */
export function sendError(ws: Socket, code: ErrorCode, message: string, detail: ErrorDetail = {}): void {
  if (ws.data.mode === "plain") return void ws.send(`error: ${message}`);
  const { retryIn, falseStart } = detail;
  ws.send(
    encode({
      type: "error",
      code,
      message,
      ...(retryIn !== undefined && { retryIn }),
      ...(falseStart !== undefined && { falseStart }),
    }),
  );
}

/** Sends a message as the connection speaks (JSON, or a verdict's line of text), remembering a verdict. */
export function sendTo(ws: Socket, msg: ServerMessage): void {
  // `data` is read once: on a Bun socket each read is a call into the runtime.
  const conn = ws.data;
  // A welcome is sent on every join and rename: the name the server's lines call the connection by.
  // Only players get a resume token; a host's or viewer's welcome names a role, not a person.
  if (msg.type === "welcome" && msg.token) conn.name = msg.name;
  const frame = conn.mode !== "plain" ? encode(msg) : msg.type === "verdict" ? msg.text : null;
  if (frame === null) return;
  ws.send(frame);
  if (msg.type === "verdict") conn.verdict = { round: msg.round, frame };
}

/**
 * What a room's new owner must hear of the connections here that are in it (in every room, with no
 * `only`): who they are, their links.
 */
export function rejoin(conns: ConnTable, only?: string): RoomCommand[] {
  const commands: RoomCommand[] = [];
  for (const { data } of conns.values()) {
    const { room } = data;
    if (room === null || (only !== undefined && room !== only)) continue;
    const conn = conns.idOf(data);
    commands.push({ type: "rebind", conn, room, player: data.player, host: data.host });
    const link = data.player ? linkNews(data.probes, true) : null;
    if (data.player && link) commands.push({ type: "link", conn, room, player: data.player, link });
  }
  return commands;
}
