/**
 * The clustered buzzer: this process's owner and gateway on a Redis bus, so that any number of
 * processes, on one machine or many, share rooms. Times are on the wall clock, which every process
 * on a machine reads alike (and NTP keeps close across machines).
 */
import type { Server } from "bun";
import { randomHex } from "../lib/secret.ts";
import { RedisBus } from "./bus/redis.ts";
import { type Conn, Gateway, type GatewayOptions } from "./gateway/gateway.ts";
import type { HostMessage } from "./room/commands.ts";
import { Owner, type OwnerOptions } from "./room/owner.ts";
import { wallClock } from "./time.ts";

/** The longest a buzz takes from one process's gateway to another's owner over Redis, in ms. */
const BUS_DELAY = 10;

/** Joins the cluster at `url`: rejects with Redis's reason when it cannot be reached. */
export async function clustered(
  url: string,
  owner: Omit<OwnerOptions, "clock" | "journal">,
  gateway: Omit<GatewayOptions, "bus" | "clock" | "id">,
) {
  // No dots: a connection's id is its gateway's id, then `.N.SLOT` (see gateway/conn_table.ts).
  const pid = randomHex(12);
  let bus: RedisBus | null = null;
  // Presses from another machine may be stamped up to the clocks' skew off: the window waits for it too.
  const busDelay = BUS_DELAY + (gateway.clockSkew ?? 0);
  // And no press is credited earlier than the window, capped at max-wait, can still wait for.
  const maxCompensation = Math.max(
    0,
    Math.min(owner.settings.maxCompensation, owner.settings.maxWait - busDelay),
  );
  const rooms = new Owner({
    ...owner,
    settings: { ...owner.settings, busDelay, maxCompensation },
    clock: wallClock,
    hostsMain: false,
    journal: (room, entries) => (bus as RedisBus).write(room, entries),
    // While Redis is away, what fails for want of it is not reported line by line.
    warn: (line) => bus?.report(line),
    onLost: (room) => bus?.leases.forget(room),
  });
  const warn = owner.warn ?? ((line: string) => console.error(line));
  bus = new RedisBus({ url, pid, owner: rooms, warn });
  const sockets = new Gateway({ ...gateway, maxCompensation, id: pid, clock: wallClock, bus });
  bus.attach(sockets);
  await bus.start();
  return {
    pid,
    /** The most any player's link is compensated here, in ms (see above). */
    maxCompensation,
    owner: rooms,
    gateway: sockets,
    /** Starts the gateway on its server, reached by the `host:port` forms in `allowed`. */
    attach: (server: Server<Conn>, allowed: ReadonlySet<string>) => sockets.attach(server, allowed),
    /** A host action from the server's own terminal, for the room's owner wherever it runs. */
    host: (room: string, action: HostMessage) => bus?.send({ type: "host", conn: null, room, action }),
    /**
     * The server's own terminal takes (`on`) or gives up running a room by keys, at the room's owner
     * now (not journaled: an owner that takes the room over later counts connected hosts only).
     */
    terminal: (room: string, on: boolean) => bus?.send({ type: "terminal", room, on }),
    /** Stops every timer and leaves the cluster (this process's rooms pass to others). */
    detach() {
      sockets.detach();
      rooms.detach();
      bus?.close();
    },
  };
}
