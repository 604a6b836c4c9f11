/** The load generator's output: one JSON line of this shape (bench/load.ts writes it, run.ts reads it). */

/** The scenarios the load generator runs. */
export const SCENARIOS = ["greet", "cycle", "verdict", "burst", "idle", "room"] as const;
/** One of SCENARIOS. */
export type Scenario = (typeof SCENARIOS)[number];

/** How long the load generator waits for the server to close every connection before dropping them. */
export const CLOSE_WAIT_SEC = 10;

/** What one measured window saw: replies (or cycles) in it, their latency, and CPU time spent. */
export interface WindowResult {
  seconds: number;
  count: number;
  rate: number;
  p50Ms: number;
  p99Ms: number;
  /** Server CPU seconds in the window (NaN without --pid). */
  serverCpuSec: number;
  /** The load generator's own CPU seconds in the window. */
  loadCpuSec: number;
  /** CPU seconds all processes on the machine used in the window (to see other load). */
  machineCpuSec: number;
}

/** One burst: every client sent `buzz` in one synchronous loop; time to the last verdict. */
export interface BurstRound {
  /** From the first send to the last verdict received, in ms (NaN if verdicts were missing). */
  timeMs: number;
  /** How long the load generator's send loop itself took, in ms. */
  sendMs: number;
  verdicts: number;
  firstPlaces: number;
  serverCpuSec: number;
  /** The same by server thread (procfs.ts threadCpu): the event loop's, and the runtime's beside it. */
  serverThreads: Record<string, number>;
  loadCpuSec: number;
  machineCpuSec: number;
}

/** Bytes each player received from the server over a stretch (frame headers and payloads): median and max. */
export interface PlayerBytes {
  median: number;
  max: number;
}

/** A big room's joins: every JSON player joined on its own connection as soon as it opened. */
export interface RoomJoin {
  /** From the first connection opening (handshake done) to the last player's welcome, ms. */
  joinMs: number;
  /** From the last connection opening to the last player's welcome, ms. */
  tailMs: number;
  /** From the first connection opening to the last, ms. */
  openMs: number;
  /** Received from each player's join until every player had its welcome and snapshot. */
  bytes: PlayerBytes;
  serverCpuSec: number;
  loadCpuSec: number;
  machineCpuSec: number;
}

/** One round in a big room: reset, arm, every player buzzes in the same tick. */
export interface RoomRound {
  /** From the first buzz sent to the last verdict received, ms (NaN if verdicts were missing). */
  timeMs: number;
  /** How long the load generator's send loop took, ms. */
  sendMs: number;
  verdicts: number;
  firstPlaces: number;
  /** Everything each player received in the round: deltas, its verdict, clock pings. */
  bytes: PlayerBytes;
  /** Messages per player in the round, by type (mean). */
  deltas: number;
  pings: number;
  /** Server and load CPU from the burst to the last verdict. */
  serverCpuSec: number;
  /** The server's by thread (procfs.ts threadCpu). */
  serverThreads: Record<string, number>;
  loadCpuSec: number;
  machineCpuSec: number;
}

/** The one JSON line the load generator prints. */
export interface LoadResult {
  scenario: Scenario;
  url: string;
  conns: number;
  /** Every reply arrived and matched: no errors, and verified === received === sent. */
  ok: boolean;
  errors: number;
  errorSamples: string[];
  sent: number;
  received: number;
  verified: number;
  /** Seconds spent opening and closing connections (setup, not measured). */
  openSec: number;
  closeSec: number;
  window?: WindowResult;
  rounds?: BurstRound[];
  idle?: { rssBeforeKiB: number; rssAfterKiB: number; kibPerConn: number; anonKibPerConn: number };
  room?: { join: RoomJoin; rounds: RoomRound[] };
}

/** A result with nothing measured yet: what a run starts from (and all a run that could not start has). */
export function newResult(scenario: Scenario, url: string, conns: number): LoadResult {
  return {
    scenario,
    url,
    conns,
    ok: false,
    errors: 0,
    errorSamples: [],
    sent: 0,
    received: 0,
    verified: 0,
    openSec: 0,
    closeSec: 0,
  };
}
