/**
 * Gateways that died. A process killed outright closes none of its connections in the rooms
 * another process runs: no `leave` ever comes, and its players would show as connected for good
 * (counted, listed, never "offline" for the host to remove; a host there keeps the room hosted, a
 * viewer there keeps it from closing when idle).
 * The owner asks Redis now and then whether each gateway its rooms' connections are on still
 * listens on its channel; one that has not, twice running, is gone, and its connections leave.
 */
import type { RoomCommand } from "../room/commands.ts";
import type { Room } from "../room/state.ts";
import { gatewayOf } from "./routing.ts";

/** Checks that find a gateway not listening before its connections leave: one could be a resubscribe. */
export const GONE_AFTER = 2;

/** A connection in a room this process runs: a player's, or a host's or viewer's (`player` null). */
type Held = Extract<RoomCommand, { type: "leave" }>;

/** Visits every connection of the rooms given: each player's that is connected, each host's and viewer's. */
function eachConn(rooms: Iterable<Room>, visit: (room: string, conn: string, player: string | null) => void) {
  for (const room of rooms) {
    for (const p of room.players.values()) if (p.conn !== null) visit(room.code, p.conn, p.id);
    for (const conn of room.watchers) visit(room.code, conn, null);
  }
}

/** The connections of the rooms given, by the gateway (process) each is on, this process's left out. */
export function connsByGateway(rooms: Iterable<Room>, self: string): Map<string, Held[]> {
  const out = new Map<string, Held[]>();
  eachConn(rooms, (room, conn, player) => {
    const gateway = gatewayOf(conn);
    if (gateway === self) return;
    const list = out.get(gateway) ?? [];
    list.push({ type: "leave", room, conn, player, gone: true });
    out.set(gateway, list);
  });
  return out;
}

/** The gateways (processes) other than this one that connections of the rooms given are on. */
export function gatewaysOf(rooms: Iterable<Room>, self: string): Set<string> {
  const out = new Set<string>();
  eachConn(rooms, (_room, conn) => out.add(gatewayOf(conn)));
  out.delete(self);
  return out;
}

/** What the watch needs: this process's id, its rooms, how to ask Redis, and where the leaves go. */
export interface GatewayWatchOptions {
  self: string;
  rooms: () => Iterable<Room>;
  /** Whether a gateway listens on its channel now (throws when Redis cannot be asked). */
  listening: (gateway: string) => Promise<boolean>;
  leave: (cmd: Held) => void;
}

/** Counts, per gateway, the checks in a row that found it not listening. */
export class GatewayWatch {
  private readonly misses = new Map<string, number>();
  private checking = false;

  constructor(private readonly opts: GatewayWatchOptions) {}

  /** One check: each gateway with connections here is asked after; one gone GONE_AFTER times, its connections leave. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      // Only which gateways: a room of 20,000 players is looked over every second.
      const held = gatewaysOf(this.opts.rooms(), this.opts.self);
      for (const gateway of this.misses.keys()) if (!held.has(gateway)) this.misses.delete(gateway);
      for (const gateway of held) {
        let listens: boolean;
        try {
          listens = await this.opts.listening(gateway);
        } catch {
          // Redis cannot be asked now: the link says so, and the next check asks again.
          return;
        }
        if (listens) {
          this.misses.delete(gateway);
          continue;
        }
        const misses = (this.misses.get(gateway) ?? 0) + 1;
        this.misses.set(gateway, misses);
        if (misses < GONE_AFTER) continue;
        this.misses.delete(gateway);
        // Asked for afresh: a connection may have left or moved while Redis was asked.
        const now = connsByGateway(this.opts.rooms(), this.opts.self).get(gateway) ?? [];
        for (const cmd of now) this.opts.leave(cmd);
      }
    } finally {
      this.checking = false;
    }
  }
}
