/**
 * Clock probes of one connection, from the moment it opens. WebSocket ping frames measure the
 * round trip (answered by the client's network layer, so page code cannot inflate it); JSON pings
 * measure a JSON client's clock offset. Pure bookkeeping: the gateway sends and receives.
 */
import {
  addSample,
  type ClockEstimate,
  type ClockState,
  emptyClock,
  estimate,
  roundTrips,
  serverTime,
} from "../clock.ts";
import { boundPress, type Link, MARGIN } from "../fair.ts";
import type { Claim } from "../room/records.ts";

/** What one connection's probes have measured so far. */
export interface Probes {
  /** Round trips of ping frames, oldest first (only the round trip is kept: it is all a link needs). */
  rtts: number[] | null;
  /** The link those round trips describe, or null before the first. */
  link: Link | null;
  /** The link the room's owner was last told (with the join, or since), or null for none. */
  told: Link | null;
  /** A JSON player's clock probes, from its join (startJson); null for every other connection. */
  json: JsonProbes | null;
  frameCount: number;
  nextFrameAt: number;
  /** When the newest ping frame went out; only its answer is a fresh measure (see frameAnswered). */
  lastPingAt: number;
  /** Whether the newest ping frame has been answered. */
  answered: boolean;
}

/**
 * JSON pings and what they measured: apart from Probes, so that the tens of thousands of
 * connections that never join as JSON players do not carry their fields.
 */
export interface JsonProbes {
  /** Readings of the client's clock, for its offset and drift. */
  clock: ClockState;
  est: ClockEstimate | null;
  /** Sent pings not yet answered: id → server send time. */
  sent: Map<number, number>;
  count: number;
  nextAt: number;
}

/** Round trips kept per connection: enough for a 90th percentile, small enough for 20,000 connections. */
const FRAME_WINDOW = 12;
/**
 * Ping frames sent quickly after a connection opens, before settling to the steady interval: a full
 * window's worth, so the 90th percentile a press's allowance comes from is taken over a dozen round
 * trips within about a second and a half. Over four (the second-longest, in effect) a jittery link's
 * allowance fell short of its own trips, and 6 % of honest presses on the bench's LAN games were placed
 * later than they were made, by up to 13 ms.
 */
const FRAME_WARMUP = { probes: FRAME_WINDOW, every: 100, firstAfter: 200 };
/** JSON pings sent quickly after a JSON client joins: an offset needs more samples than a round trip. */
const JSON_WARMUP = { probes: 32, every: 40 };
/** How much a link's round trips must move, in ms, before the rooms' owners are told. */
const LINK_STEP = 1;
/**
 * A ping frame unanswered this long, in ms, means a client that is not reading: the original's
 * client blocks its event loop while it waits for a key, and answers its pings only after it buzzes.
 */
const PING_TIMEOUT = 500;
/** Unanswered JSON pings kept per connection: a client that never answers leaks nothing. */
const MAX_UNANSWERED = 4;

/** Fresh probe state for a connection that opened at `now`. */
export function newProbes(now: number): Probes {
  return {
    rtts: null,
    link: null,
    told: null,
    json: null,
    frameCount: 0,
    // The first ping waits a moment, so a burst of new clients is answered before it is measured.
    nextFrameAt: now + FRAME_WARMUP.firstAfter,
    lastPingAt: -Infinity,
    answered: true,
  };
}

/** Starts JSON pings (a JSON client joined). */
export function startJson(p: Probes, now: number): void {
  p.json ??= { clock: emptyClock(), est: null, sent: new Map(), count: 0, nextAt: now };
}

/** Whether a ping frame may go out now: one at a time, so each answer is known for what it answers. */
export function mayPing(p: Probes, now: number): boolean {
  return p.answered || now - p.lastPingAt > PING_TIMEOUT;
}

/** Whether the client has left its newest ping unanswered past PING_TIMEOUT (it is not reading). */
export function blocked(p: Probes, now: number): boolean {
  return !p.answered && now - p.lastPingAt > PING_TIMEOUT;
}

/** Notes a ping frame sent at `now`; `steady` is the interval after warm-up. */
export function frameSent(p: Probes, now: number, steady: number): void {
  p.lastPingAt = now;
  p.answered = false;
  p.frameCount++;
  p.nextFrameAt = now + (p.frameCount < FRAME_WARMUP.probes ? FRAME_WARMUP.every : steady);
}

/** Notes a JSON ping `id` sent at `now`. */
export function jsonSent(json: JsonProbes, id: number, now: number, steady: number): void {
  if (json.sent.size >= MAX_UNANSWERED) json.sent.clear();
  json.sent.set(id, now);
  json.count++;
  json.nextAt = now + (json.count < JSON_WARMUP.probes ? JSON_WARMUP.every : steady);
}

/**
 * Records a ping frame's answer: the round trip from `t0` to `t1`. Only the answer to the newest
 * ping counts: a client that was not reading answers its old pings all at once, late, and those
 * round trips are not its link's. Returns whether it counted.
 */
export function frameAnswered(p: Probes, t0: number, t1: number): boolean {
  const rtt = t1 - t0;
  if (t0 !== p.lastPingAt || p.answered || !Number.isFinite(rtt) || rtt < 0) return false;
  p.answered = true;
  p.rtts ??= [];
  p.rtts.push(rtt);
  if (p.rtts.length > FRAME_WINDOW) p.rtts.shift();
  // Copied by the constructor, not `Float64Array.from` (see clock.ts roundTrips).
  const { rtt: low, rttHigh, jitter } = roundTrips(new Float64Array(p.rtts).sort());
  p.link = { rtt: low, high: rttHigh, jitter };
  return true;
}

/**
 * The link the room's owner should hear of now, marked as told; null when it is no news. A probe's
 * noise is not news, but a link is compared with the one the owner was last told, not the last
 * measured: one that grows a little at every probe would otherwise never be told, and the window
 * would not wait for the allowance its presses are given. `always` tells it however little it moved
 * (a join carries its link, whatever it is).
 */
export function linkNews(p: Probes, always = false): Link | null {
  const { link, told } = p;
  const news =
    always ||
    (link !== null &&
      (told === null ||
        Math.abs(told.high - link.high) >= LINK_STEP ||
        Math.abs(told.rtt - link.rtt) >= LINK_STEP));
  if (!news) return null;
  p.told = link;
  return link;
}

/** Records a JSON pong: probe `id` read `tc` on the client's clock, answered at `t1`. */
export function jsonAnswered(p: Probes, id: number, tc: number, t1: number): void {
  const json = p.json;
  const t0 = json?.sent.get(id);
  if (!json || t0 === undefined) return;
  json.sent.delete(id);
  json.clock = addSample(json.clock, { t0, tc, t1 });
  json.est = estimate(json.clock);
}

/** What a JSON client's pings have estimated of its clock, if anything. */
export function clockOf(p: Probes): ClockEstimate | null {
  return p.json?.est ?? null;
}

/** A press as this connection's measures bound it (fair.ts), with what the fairness log records of it. */
export function claimOf(
  p: Probes,
  player: string,
  at: number | null,
  now: number,
  maxCompensation: number,
  /** How far this process's clock may be from the owner's, in ms (0 on one machine). */
  clockSkew = 0,
): Claim {
  const { link } = p;
  const est = clockOf(p);
  const mapped = at !== null && est ? serverTime(est, at) : null;
  const bounded = boundPress(now, mapped, link, MARGIN, maxCompensation);
  return {
    player,
    arrival: now,
    claimed: at,
    mapped,
    press: bounded.press,
    uncertainty: bounded.uncertainty + clockSkew,
    offset: est?.offset ?? null,
    rtt: link?.rtt ?? null,
    rttHigh: link?.high ?? null,
    jitter: link?.jitter ?? null,
    bound: bounded.bound,
    allowance: now - bounded.lower,
  };
}
