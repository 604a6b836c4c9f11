/**
 * Admitting a connection: a WebSocket upgrade is refused with a status and one line (a foreign
 * Origin or Host, a full server, too many connections from one address), or made with a new Conn.
 */
import type { Server } from "bun";
import { checkUpgrade } from "../web.ts";
import type { Admission } from "./admission.ts";
import { type Conn, evictIdle, IDLE_GRACE, newConn } from "./conn.ts";
import type { ConnTable } from "./conn_table.ts";
import type { GatewayOptions } from "./options.ts";

/** How much of a refused request's Origin or Host header the log line and the answer quote. */
const HEADER_QUOTED = 100;

/** What an upgrade needs of its gateway. */
export interface Door {
  opts: GatewayOptions;
  conns: ConnTable;
  admission: Admission;
  /** The `host:port` forms clients may use (see web.ts allowedHosts). */
  allowed: ReadonlySet<string>;
  /** Prints a line about a client's address, within the address's allowance of lines. */
  say(address: string, now: number, line: string): void;
}

/** Upgrades a request to a buzzer connection: 403 for a foreign Origin, 503 when full, 429 past an address's connections, 404 for plain HTTP. */
export function upgrade(req: Request, server: Server<Conn>, door: Door): Response | undefined {
  const { opts, conns, admission } = door;
  const now = opts.clock.now();
  const seen = server.requestIP(req)?.address ?? "";
  const refuse = (status: number, why: string) => {
    door.say(seen, now, `Refused a connection: ${why}`);
    return new Response(`${why}\n`, { status });
  };
  if (!checkUpgrade(req, door.allowed)) {
    // A header may be kilobytes long: the line and the answer quote the start of it.
    const [origin, host] = ["origin", "host"].map((h) => req.headers.get(h)?.slice(0, HEADER_QUOTED));
    return refuse(403, `foreign origin ${origin} or unknown host ${host}`);
  }
  const full = conns.size >= opts.maxConnections;
  if (full && !evictIdle(conns, now, opts.idleGrace ?? IDLE_GRACE)) {
    return refuse(503, "the server is full, try again later");
  }
  const address = admission.connect(seen, opts.connectionsPerAddress);
  if (address === null) return refuse(429, `too many connections from ${seen}`);
  const data = newConn(address, now);
  if (server.upgrade(req, { data })) return undefined;
  admission.disconnect(address);
  return new Response("Not found\n", { status: 404 });
}
