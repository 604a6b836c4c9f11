/** One connection's state on a gateway, kept on ServerWebSocket.data, and the limits on what it sends. */
import type { ServerWebSocket } from "bun";
import { type Bucket, fullBucket, RATE, type Rate } from "../limit.ts";
import { newProbes, type Probes } from "./probes.ts";

/** Per-connection state. */
export interface Conn {
  id: string;
  /** The client's address, as the upgrade saw it (per-address limits count by it). */
  address: string;
  openedAt: number;
  /** `new` until the first message tells: the original's plain text, or JSON. */
  mode: "new" | "json" | "plain";
  /** The room joined, once the owner has bound the connection. */
  room: string | null;
  player: string | null;
  host: boolean;
  /** A join is on its way to the owner. */
  joining: boolean;
  /** When a plain client's first buzz arrived, while its join is on its way (sent once bound). */
  firstBuzz: number | null;
  /** When a plain buzz arrived that waits for a fresh measure of this client's link (see gateway.ts). */
  held: number | null;
  /** The last verdict sent, as sent: a repeat in the same round is answered with it again. */
  verdict: { round: number; frame: string } | null;
  bucket: Bucket;
  rateWarnedAt: number;
  badSecrets: number;
  probes: Probes;
}

/** A connection's socket. */
export type Socket = ServerWebSocket<Conn>;

/** How many messages a host may send: generous (a host may script a game), but bounded. */
export const HOST_RATE: Rate = { burst: 1000, perSecond: 500 };

/** Fresh state for a connection from `address` opening at `now`. */
export function newConn(id: string, address: string, now: number): Conn {
  return {
    id,
    address,
    openedAt: now,
    mode: "new",
    room: null,
    player: null,
    host: false,
    joining: false,
    firstBuzz: null,
    verdict: null,
    held: null,
    bucket: fullBucket(now),
    rateWarnedAt: -Infinity,
    badSecrets: 0,
    probes: newProbes(now),
  };
}

/** The message rate a connection is held to: a host's, or everyone else's. */
export function rateOf(conn: Conn): Rate {
  return conn.host ? HOST_RATE : RATE;
}
