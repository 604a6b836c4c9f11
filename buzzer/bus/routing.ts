/**
 * Where the Redis bus sends things: its channels, which gateway each of an owner's effects is for,
 * and what the connections behind commands that cannot reach Redis are told.
 */
import type { GatewayEffect, RoomCommand } from "../room/commands.ts";

/** The Redis channels: each process's owner and gateway, and every gateway at once. */
export const channel = {
  owner: (pid: string) => `bz:owner:${pid}`,
  gateway: (pid: string) => `bz:gateway:${pid}`,
  all: "bz:all",
};

/** The process whose gateway holds a connection: its id's first part (ids are `PID.N.SLOT`). */
export function gatewayOf(conn: string): string {
  return conn.slice(0, conn.indexOf("."));
}

/**
 * An owner's effects split by where they go: a connection's to its own gateway (this process's,
 * `here`, or another's, `there`), a room's to every gateway (`here` and `all`), in order.
 */
export function route(
  effects: readonly GatewayEffect[],
  pid: string,
): { here: GatewayEffect[]; all: GatewayEffect[]; there: Map<string, GatewayEffect[]> } {
  const here: GatewayEffect[] = [];
  const all: GatewayEffect[] = [];
  const there = new Map<string, GatewayEffect[]>();
  for (const e of effects) {
    if (!("conn" in e)) {
      here.push(e);
      all.push(e);
      continue;
    }
    const gateway = gatewayOf(e.conn);
    if (gateway === pid) here.push(e);
    else {
      // Pushed, not copied: a burst's verdicts for another process are thousands of effects.
      const list = there.get(gateway);
      if (list) list.push(e);
      else there.set(gateway, [e]);
    }
  }
  return { here, all, there };
}

/** What a command that needs Redis is told while Redis cannot be reached. */
const UNREACHABLE = "the game's store cannot be reached: try again in a moment";
/** The commands a client waits on an answer to. */
const ASKED: ReadonlySet<RoomCommand["type"]> = new Set(["join", "buzz", "host", "sync"]);

/**
 * What the connections behind commands that cannot reach Redis are told: those that asked something
 * (a join, a buzz, a host action, a sync) to try again. A link, a rebind or a leave asked nothing: an
 * error for it would answer no request (the original client reads one reply per buzz).
 */
export function unavailable(commands: RoomCommand[]): GatewayEffect[] {
  const refused: GatewayEffect[] = [];
  for (const c of commands) {
    if (!ASKED.has(c.type) || !("conn" in c) || c.conn === null) continue;
    refused.push({ type: "error", conn: c.conn, code: "UNAVAILABLE", message: UNREACHABLE });
  }
  return refused;
}
