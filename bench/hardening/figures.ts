/** What the flood bench measures: the honest players' and the flooder's figures per window, per phase and per repeat. */
import type { CpuShares } from "../procfs.ts";

/** New players who tried to join in a window: admitted (got a verdict) or refused, from the flooder's address and another. */
export interface Newcomers {
  sameJoined: number;
  sameRefused: number;
  otherJoined: number;
  otherRefused: number;
}

/** No newcomers yet. */
export const noNewcomers = (): Newcomers => ({
  sameJoined: 0,
  sameRefused: 0,
  otherJoined: 0,
  otherRefused: 0,
});

/** One window as the honest players saw it. */
export interface HonestWindow {
  count: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  missing: number;
  /** How late a 10 ms timer fired in the honest worker (the load core's own delay), p99 and max. */
  lagP99Ms: number;
  lagMaxMs: number;
  /** Errors in the window; the samples are the run's first few. */
  errors: number;
  errorSamples: string[];
  /** The room's player count in the latest state the viewer saw. */
  playerCount: number;
  stateMessages: number;
  stateKiB: number;
  newcomers: Newcomers;
}

/** What the flooder did. */
export interface FloodCounts {
  /** Messages written to an open connection. */
  sent: number;
  /** Messages that came due while no connection was open (not sent: the flooder was reconnecting). */
  notSent: number;
  /** Replies that were a verdict (the buzzes the limiter let through). */
  verdicts: number;
  /** RATE_LIMITED replies (the server sends at most one a second per connection). */
  rateLimited: number;
  /** Replies refusing the connection's join (the per-address join limit). */
  joinRefused: number;
  otherReplies: number;
  connects: number;
  /** Connections that got a verdict, i.e. became players in room MAIN. */
  admitted: number;
  connectFailures: number;
  /** Summed handshake time, ms. */
  handshakeMs: number;
  /** Close codes the server ended connections with. */
  closes: Record<string, number>;
}

/** Nothing counted yet. */
export function noCounts(): FloodCounts {
  return {
    sent: 0,
    notSent: 0,
    verdicts: 0,
    rateLimited: 0,
    joinRefused: 0,
    otherReplies: 0,
    connects: 0,
    admitted: 0,
    connectFailures: 0,
    handshakeMs: 0,
    closes: {},
  };
}

/** What was counted between two snapshots. */
export function countsBetween(a: FloodCounts, b: FloodCounts): FloodCounts {
  const d = noCounts();
  for (const key of Object.keys(d) as (keyof FloodCounts)[]) {
    if (key !== "closes") d[key] = b[key] - a[key];
  }
  for (const [code, k] of Object.entries(b.closes)) {
    const n = k - (a.closes[code] ?? 0);
    if (n) d.closes[code] = n;
  }
  return d;
}

/** The flooder in one window: its counts, its own CPU and the first unexpected replies. */
export type FloodWindow = FloodCounts & { cpuSec: number; otherSamples: string[] };

/** The flooder over its whole life. */
export type FloodTotal = FloodCounts & { seconds: number };

/** One measured phase: the honest players' window, the flooder's if it ran, CPU shares and server memory. */
export interface Phase extends CpuShares {
  honest: HonestWindow;
  flood?: FloodWindow;
  rssStartMiB: number;
  rssEndMiB: number;
}

/** One repeat on a fresh server: unloaded, flooded, and after the flood (if measured). */
export interface Rep {
  rep: number;
  players: number;
  unloaded: Phase;
  flooded: Phase;
  after: Phase | null;
  floodTotal: FloodTotal | null;
  /** Everything the honest players saw go wrong, from their first buzz to the end (NaN: unknown). */
  honestErrors: number;
  honestErrorSamples: string[];
  serverExited: boolean;
}
