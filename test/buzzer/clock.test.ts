import { describe, expect, test } from "bun:test";
import {
  addSample,
  type ClockEstimate,
  type ClockState,
  clientTime,
  emptyClock,
  estimate,
  MAX_DRIFT,
  type Sample,
  serverTime,
} from "../../buzzer/clock.ts";

/** Maps a client reading to server time with the estimate the samples give so far (null before one). */
function toServerTime(state: ClockState, clientTime: number): number | null {
  const est = estimate(state);
  return est ? serverTime(est, clientTime) : null;
}

/** Tiny seeded PRNG (mulberry32) so every simulated network is reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TRUE_OFFSET = 3.6e6 + 1234.567; // the client's clock runs an hour and a bit ahead
const DRIFT = 1e-4; // ...and gains 100 ppm
const START = 86_400_000; // the server has been up for a day
const EVERY = 250; // one probe every 250 ms

interface Link {
  seed?: number;
  /** Fixed one-way delays, ms. */
  up?: number;
  down?: number;
  /** Each direction's delay varies by ± this much (never below 0). */
  jitter?: number;
  drift?: number;
  probes?: number;
  window?: number;
  /** Extra delay on the answer of probe i, e.g. a queued message. */
  queued?: (i: number) => number;
}

/** Runs probes over a simulated link; returns the state and the client clock that produced it. */
function simulate(link: Link = {}) {
  const { seed = 1, up = 40, down = up, jitter = 0, drift = DRIFT, probes = 16, window = 16 } = link;
  const random = mulberry32(seed);
  const delay = (base: number) => Math.max(0, base + jitter * (2 * random() - 1));
  const clientAt = (server: number) => TRUE_OFFSET + server * (1 + drift);
  let state = emptyClock();
  for (let i = 0; i < probes; i++) {
    const t0 = START + i * EVERY;
    const arrive = t0 + delay(up);
    const t1 = arrive + delay(down) + (link.queued?.(i) ?? 0);
    state = addSample(state, { t0, tc: clientAt(arrive), t1 }, window);
  }
  const lastProbe = START + (probes - 1) * EVERY;
  /** How far the mapped time of a press at this server time is from the truth, signed. */
  const pressError = (server: number) => (toServerTime(state, clientAt(server)) as number) - server;
  return { state, clientAt, lastProbe, pressError, random };
}

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] as number;

describe("clock", () => {
  test("reads a server time on the client's clock, drift included, as serverTime's inverse", () => {
    const est: ClockEstimate = {
      offset: 5000,
      rtt: 10,
      rttHigh: 12,
      jitter: 1,
      drift: 1e-4,
      samples: 8,
      ref: 1000,
    };
    // A minute after the reference, a clock 100 ppm fast is 6 ms further ahead than its offset.
    expect(clientTime(est, 61_000)).toBeCloseTo(61_000 + 5000 + 6, 9);
    for (const t of [0, 1000, 61_000, 3.6e6]) expect(serverTime(est, clientTime(est, t))).toBeCloseTo(t, 6);
  });

  test("returns null before the first sample", () => {
    expect(estimate(emptyClock())).toBeNull();
    expect(toServerTime(emptyClock(), 123)).toBeNull();
  });

  test("estimates the offset of a symmetric link exactly", () => {
    const one = addSample(emptyClock(), { t0: 1000, tc: 5050, t1: 1100 });
    expect(estimate(one)).toEqual({
      offset: 4000,
      rtt: 100,
      rttHigh: 100,
      jitter: 0,
      drift: 0,
      samples: 1,
      ref: 1050,
    });

    const { state, lastProbe, pressError } = simulate({ up: 40, drift: 0 });
    const est = estimate(state);
    expect(est?.offset).toBeCloseTo(TRUE_OFFSET, 6);
    expect(est?.rtt).toBeCloseTo(80, 6);
    expect(est?.jitter).toBe(0);
    expect(pressError(lastProbe + 100)).toBeCloseTo(0, 6);
  });

  test("rejects a sample that ends before it starts", () => {
    const state = addSample(emptyClock(), { t0: 0, tc: 10, t1: 20 });
    expect(addSample(state, { t0: 100, tc: 110, t1: 99 })).toBe(state);
  });

  test("rejects a sample with non-finite times", () => {
    const state = addSample(emptyClock(), { t0: 0, tc: 10, t1: 20 });
    expect(addSample(state, { t0: Number.NaN, tc: 10, t1: 20 })).toBe(state);
    expect(addSample(state, { t0: 0, tc: Number.POSITIVE_INFINITY, t1: 20 })).toBe(state);
    expect(addSample(state, { t0: 0, tc: 10, t1: Number.NEGATIVE_INFINITY })).toBe(state);
  });

  test("bounds a real clock's drift at 500 ppm", () => {
    expect(MAX_DRIFT).toBe(5e-4);
  });

  test("starts afresh from a sample whose clock stopped while the server's advanced", () => {
    // The stopped-clock trick: every probe answered with t = 0. Kept, those samples fit a drift of
    // exactly -1, and mapping a press divides 0 by 0.
    let state = emptyClock();
    for (let i = 0; i < 16; i++)
      state = addSample(state, { t0: START + i * EVERY, tc: 0, t1: START + i * EVERY + 80 });
    const newest = START + 15 * EVERY;
    expect(state.samples).toEqual([{ t0: newest, tc: 0, t1: newest + 80 }]);
    expect(estimate(state)).toEqual({
      offset: -(newest + 40),
      rtt: 80,
      rttHigh: 80,
      jitter: 0,
      drift: 0,
      samples: 1,
      ref: newest + 40,
    });
    expect(toServerTime(state, 0)).toBe(newest + 40);
  });

  test("starts afresh from a sample whose clock ran backwards", () => {
    let state = emptyClock();
    for (let i = 0; i < 16; i++) {
      state = addSample(state, { t0: START + i * EVERY, tc: 1e6 - i * EVERY, t1: START + i * EVERY + 80 });
    }
    expect(state.samples).toHaveLength(1);
    const est = estimate(state) as ClockEstimate;
    expect(Object.values(est).every(Number.isFinite)).toBe(true);
    expect(est.drift).toBe(0);
    expect(toServerTime(state, 1e6 - 15 * EVERY)).toBe(START + 15 * EVERY + 40);
  });

  test("keeps overlapping probes that the client read at the same instant", () => {
    // Sent 40 ms apart on an 80 ms round trip, both answers can be read in one event-loop turn.
    const first = addSample(emptyClock(), { t0: 0, tc: 500, t1: 80 });
    expect(addSample(first, { t0: 40, tc: 500, t1: 120 }).samples).toHaveLength(2);
    expect(addSample(first, { t0: 40, tc: 499.9, t1: 120 }).samples).toHaveLength(1);
  });

  test("starts afresh from a sample whose clock ran faster than the round trips allow", () => {
    const first = addSample(emptyClock(), { t0: 0, tc: 500, t1: 80 });
    // 250 ms later by the server, the client can have seen at most 330 ms (the two round trips'
    // outer ends) plus 500 ppm of them.
    expect(addSample(first, { t0: 250, tc: 830, t1: 330 }).samples).toHaveLength(2);
    expect(addSample(first, { t0: 250, tc: 831, t1: 330 }).samples).toHaveLength(1);
  });

  test("recovers from a clock that paused, as a sleeping phone's does", () => {
    // 16 honest probes, a 10 s pause of the client's clock alone, then 16 honest probes again.
    const { state: before, clientAt } = simulate({ drift: 0 });
    let state = before;
    for (let i = 0; i < 16; i++) {
      const t0 = START + 20_000 + i * EVERY;
      state = addSample(state, { t0, tc: clientAt(t0 + 40) - 10_000, t1: t0 + 80 });
    }
    expect(state.samples).toHaveLength(16);
    const press = START + 20_000 + 16 * EVERY;
    expect(toServerTime(state, clientAt(press) - 10_000)).toBeCloseTo(press, 6);
  });

  test("ignores the rate of a 1000 ppm clock and still maps it within a few ms", () => {
    const { state, lastProbe, pressError } = simulate({ drift: 1e-3 });
    const est = estimate(state) as ClockEstimate;
    expect(est.samples).toBe(16);
    expect(est.drift).toBe(0);
    expect(Object.values(est).every(Number.isFinite)).toBe(true);
    expect(Math.abs(pressError(lastProbe + 100))).toBeLessThan(5);
  });

  test("maps a reading that is not finite to null", () => {
    const { state } = simulate();
    for (const reading of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(toServerTime(state, reading)).toBeNull();
    }
  });

  test("returns null rather than a non-finite estimate for readings near the largest double", () => {
    const state = addSample(emptyClock(), { t0: 0, tc: Number.MAX_VALUE, t1: 10 });
    expect(state.samples).toHaveLength(1);
    expect(estimate(state)).toBeNull();
    expect(toServerTime(state, Number.MAX_VALUE)).toBeNull();
  });

  test("keeps only the last window of samples", () => {
    let state = emptyClock();
    for (let i = 0; i < 40; i++) state = addSample(state, { t0: i, tc: i, t1: i + 1 });
    expect(state.samples).toHaveLength(32);
    expect(state.samples[0]?.t0).toBe(8);
    expect(estimate(state)?.samples).toBe(32);
    expect(addSample(state, { t0: 50, tc: 50, t1: 51 }, 4).samples.map((s) => s.t0)).toEqual([
      37, 38, 39, 50,
    ]);
  });

  test("does not mutate the previous state", () => {
    const before = addSample(emptyClock(), { t0: 0, tc: 10, t1: 20 });
    const snapshot = structuredClone(before);
    const sample: Sample = { t0: 30, tc: 40, t1: 50 };
    const after = addSample(before, sample);
    sample.tc = 999; // nor does it keep the caller's object
    expect(before).toEqual(snapshot);
    expect(after.samples).toEqual([
      { t0: 0, tc: 10, t1: 20 },
      { t0: 30, tc: 40, t1: 50 },
    ]);
  });

  test("ignores queued samples with high RTT", () => {
    // Every third answer sits 400 ms in a queue on the way back: a mean would be off by 75 ms.
    const queued = (i: number) => (i % 3 === 0 ? 400 : 0);
    const { state, lastProbe, pressError } = simulate({ up: 30, queued });
    const est = estimate(state);
    const naive = state.samples.reduce((sum, s) => sum + s.tc - (s.t0 + s.t1) / 2, 0) / state.samples.length;
    expect(Math.abs(naive - (est?.offset as number))).toBeGreaterThan(50);
    expect(est?.rtt).toBeCloseTo(60, 6);
    expect(est?.jitter).toBe(0); // the median absolute deviation does not see 6 stalled probes in 16
    expect(est?.drift).toBeCloseTo(DRIFT, 9);
    expect(pressError(lastProbe + 100)).toBeCloseTo(0, 6);
  });

  test("tracks 100 ppm drift", () => {
    expect(estimate(simulate({ jitter: 0 }).state)?.drift).toBeCloseTo(DRIFT, 9);
    // A minute of probes (240) with ±5 ms jitter: drift to ±40 ppm, and a press 10 s after the
    // last probe still maps within 1.5 ms (ignoring drift would cost 1 ms from those 10 s alone).
    for (let seed = 1; seed <= 20; seed++) {
      const run = simulate({ seed, up: 30, jitter: 5, probes: 240, window: 240 });
      expect(Math.abs((estimate(run.state)?.drift as number) - DRIFT)).toBeLessThan(40e-6);
      expect(Math.abs(run.pressError(run.lastProbe + 10_000))).toBeLessThan(1.5);
    }
  });

  test("ignores a drift the jitter could explain", () => {
    // 16 samples with ±20 ms jitter cannot measure ppm: a fitted slope would be off by ~1000 ppm.
    for (let seed = 1; seed <= 20; seed++) {
      expect(estimate(simulate({ seed, up: 75, jitter: 20 }).state)?.drift).toBe(0);
    }
  });

  test("maps a client press time to server time within 1 ms", () => {
    // A quiet link: 30 ms each way, ±1 ms jitter.
    for (let seed = 1; seed <= 20; seed++) {
      const { lastProbe, pressError, random } = simulate({ seed, up: 30, jitter: 1 });
      for (let k = 0; k < 5; k++) expect(Math.abs(pressError(lastProbe + EVERY * random()))).toBeLessThan(1);
    }
  });

  test("maps presses within 5 ms on a jittery symmetric link", () => {
    // 0–150 ms each way, ±20 ms jitter per direction, 16 samples; presses up to 250 ms after the last probe.
    const errors: number[] = [];
    for (const up of [0, 20, 75, 150]) {
      for (let seed = 1; seed <= 50; seed++) {
        const { state, lastProbe, pressError, random } = simulate({ seed, up, jitter: 20 });
        // What fair.ts allows a mapped press on this link: half its best round trip and its jitter.
        const { rtt, jitter } = estimate(state) as ClockEstimate;
        const bound = rtt / 2 + jitter;
        for (let k = 0; k < 5; k++) {
          const error = Math.abs(pressError(lastProbe + EVERY * random()));
          expect(error).toBeLessThanOrEqual(bound); // the reported uncertainty always holds
          errors.push(error);
        }
      }
    }
    expect(quantile(errors, 0.5)).toBeLessThan(1);
    expect(quantile(errors, 0.95)).toBeLessThan(5);
    expect(Math.max(...errors)).toBeLessThan(10);
  });

  test("errs by half the one-way asymmetry, the limit of any NTP-style sync", () => {
    // Only the round trip is observable, so a link slower one way than the other looks like an
    // offset of half the difference; no estimator can tell the two apart.
    for (const extra of [10, 30, 60]) {
      const { lastProbe, pressError } = simulate({ up: 30 + extra, down: 30 });
      expect(pressError(lastProbe + 100)).toBeCloseTo(-extra / 2, 6);
    }
    const errors: number[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      const { lastProbe, pressError } = simulate({ seed, up: 90, down: 30, jitter: 20 });
      errors.push(pressError(lastProbe + 100));
    }
    expect(Math.abs(quantile(errors, 0.5) + 30)).toBeLessThan(2);
  });

  test("measures jitter as the spread of RTTs, unmoved by one stalled probe", () => {
    let state: ClockState = emptyClock();
    const rtts = [50, 52, 54, 56, 58, 5000];
    rtts.forEach((rtt, i) => {
      state = addSample(state, { t0: i * 100, tc: i * 100, t1: i * 100 + rtt });
    });
    // RTTs' median is 55; absolute deviations 5, 3, 1, 1, 3, 4945, whose median is 3.
    expect(estimate(state)?.jitter).toBe(3);
    expect(estimate(state)?.rtt).toBe(50);
  });
});

/**
 * The estimate as written plainly, with sorts, maps and spreads: clock.ts works the same numbers out
 * in loops over typed arrays (a JSON player's every pong runs it), and must agree to the last bit.
 */
function plainEstimate(samples: readonly Sample[]): ClockEstimate | null {
  const newest = samples.at(-1);
  if (!newest) return null;
  const rttOf = (s: Sample) => s.t1 - s.t0;
  const midOf = (s: Sample) => (s.t0 + s.t1) / 2;
  const median = (xs: number[]) =>
    xs.length % 2
      ? (xs[xs.length >> 1] as number)
      : ((xs[(xs.length >> 1) - 1] as number) + (xs[xs.length >> 1] as number)) / 2;
  const byRtt = [...samples].sort((a, b) => rttOf(a) - rttOf(b));
  const rtts = byRtt.map(rttOf);
  const mid = median(rtts);
  const deviations = rtts.map((r) => Math.abs(r - mid)).sort((a, b) => a - b);
  const times = samples.map(midOf);
  let drift = 0;
  if (samples.length >= 4 && Math.max(...times) - Math.min(...times) >= 1000) {
    const half = byRtt.slice(0, Math.max(3, Math.ceil(samples.length / 2)));
    const xs = half.map(midOf);
    const ys = half.map((s) => s.tc - midOf(s));
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const my = ys.reduce((a, b) => a + b, 0) / ys.length;
    let sxx = 0;
    let sxy = 0;
    xs.forEach((x, i) => {
      sxx += (x - mx) ** 2;
      sxy += (x - mx) * ((ys[i] as number) - my);
    });
    if (sxx !== 0) {
      const slope = sxy / sxx;
      const rss = xs.reduce((sum, x, i) => sum + ((ys[i] as number) - my - slope * (x - mx)) ** 2, 0);
      const error = Math.sqrt(rss / (xs.length - 2) / sxx);
      if (error <= 5e-5 && Math.abs(slope) <= MAX_DRIFT) drift = slope;
    }
  }
  const ref = midOf(newest);
  let low = -Infinity;
  let high = Infinity;
  for (const s of samples) {
    low = Math.max(low, s.tc - s.t1 + drift * (ref - s.t1));
    high = Math.min(high, s.tc - s.t0 + drift * (ref - s.t0));
  }
  const rtt = rtts[0] as number;
  const rttHigh = rtts[Math.floor(0.9 * (rtts.length - 1))] as number;
  return {
    offset: (low + high) / 2,
    rtt,
    rttHigh,
    jitter: median(deviations),
    drift,
    samples: samples.length,
    ref,
  };
}

describe("clock estimate", () => {
  test("agrees to the last bit with the estimate written plainly, over jittery, drifting and stepping clocks", () => {
    const random = mulberry32(7);
    let compared = 0;
    let drifted = 0;
    for (let run = 0; run < 40; run++) {
      let state = emptyClock();
      const drift = (random() - 0.5) * 4e-4;
      let server = START;
      for (let k = 0; k < 60; k++) {
        // Three kinds of link: whole milliseconds (ties in round trips must keep their order), a
        // steady one (whose drift is fitted), and a jittery one that stalls now and then.
        const kind = run % 3;
        const jitter = () =>
          kind === 0 ? Math.round(random() * 4) : kind === 1 ? 5 + random() * 0.2 : random() * 30;
        const up = jitter() + (kind === 2 && random() < 0.1 ? 200 : 0);
        const down = jitter();
        const t0 = server;
        const step = run % 5 === 0 && k === 30 ? -5000 : 0;
        const tc = (t0 + up) * (1 + drift) + TRUE_OFFSET + step;
        state = addSample(state, { t0, tc, t1: t0 + up + down });
        const est = estimate(state);
        expect(est).toEqual(plainEstimate(state.samples));
        compared++;
        if (est && est.drift !== 0) drifted++;
        server += EVERY + random() * 50;
      }
    }
    expect(compared).toBe(2400);
    // The drift fit itself was compared, not only the offsets of clocks it left alone.
    expect(drifted).toBeGreaterThan(100);
  });
});
