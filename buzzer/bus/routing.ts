/** Where the Redis bus sends things: its channels, and which gateway each of an owner's effects is for. */
import type { GatewayEffect } from "../room/commands.ts";

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
