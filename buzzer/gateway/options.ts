import type { Bus } from "../bus/local.ts";
import type { Rate } from "../limit.ts";
import type { Clock } from "../time.ts";

/** What a gateway needs: its name on the bus, a clock, the bus, limits and where lines go. */
export interface GatewayOptions {
  id: string;
  clock: Clock;
  bus: Bus;
  /** Steady interval between probes of one connection, in ms. */
  probeEvery: number;
  joinsPerAddress: Rate;
  /** Most connections at once (kept under the open-file limit, so the server never runs out). */
  maxConnections: number;
  /** Most connections at once from one address. */
  connectionsPerAddress: number;
  /** Most compensation for any player's link, in ms (see fair.ts). */
  maxCompensation: number;
  /** How far this process's clock may be from other processes', in ms (a cluster across machines). */
  clockSkew?: number;
  /** How long an idle connection is safe from being closed to make room, in ms (default IDLE_GRACE). */
  idleGrace?: number;
  log?: (line: string) => void;
}
