// NTP-style synchronisation of one client's monotonic clock to the server's. Pure: every time is a
// parameter in milliseconds, so the server, the tests and a simulation can all drive it.

/** One probe round trip: server sent at `t0`, client read its clock `tc`, server got the answer at `t1`. */
export interface Sample {
  t0: number;
  tc: number;
  t1: number;
}

/** The last few samples of one connection; immutable, replaced by `addSample`. */
export interface ClockState {
  readonly samples: readonly Readonly<Sample>[];
}

/** What the samples say about the client's clock; `offset` is client minus server at the newest sample. */
export interface ClockEstimate {
  offset: number;
  rtt: number;
  /** The 90th-percentile RTT: how long a trip on this link can take, short of a stall. */
  rttHigh: number;
  jitter: number;
  drift: number;
  samples: number;
  /** The server time the offset is measured at (the newest sample's middle); drift runs from it. */
  ref: number;
}

/** Samples kept: the warm-up burst, then about a minute of steady probes. */
const WINDOW = 32;
/** A drift fit needs this much server time, or the noise of one round trip swamps the slope. */
const MIN_DRIFT_SPAN = 1000;
/** Drift is used only when its standard error is under 50 ppm, i.e. under 0.2 ms across a 4 s window. */
const MAX_DRIFT_ERROR = 5e-5;
/**
 * The fastest or slowest a real client clock runs against ours, as a fraction (500 ppm). Quartz
 * clocks in PCs and phones are specified within ±100 ppm, and NTP itself refuses to steer a clock
 * that is off by more than 500 ppm; a clock beyond it is broken or lying, and its rate is not used.
 */
export const MAX_DRIFT = 5e-4;

/** A clock with no samples yet. */
export function emptyClock(): ClockState {
  return { samples: [] };
}

/**
 * Returns a new state holding `sample` and at most `window - 1` older ones: a sample impossible in
 * itself (not finite, or ending before it starts) is ignored, and one that no clock within
 * MAX_DRIFT can have read after the newest sample (a clock that stopped or ran backwards while the
 * server's advanced) starts the window afresh.
 */
export function addSample(state: ClockState, sample: Sample, window = WINDOW): ClockState {
  const { t0, tc, t1 } = sample;
  if (!(Number.isFinite(t0) && Number.isFinite(tc) && Number.isFinite(t1)) || t1 < t0) return state;
  const added = { t0, tc, t1 };
  const old = state.samples;
  const newest = old.at(-1);
  // Keeping the old samples would fit a drift near -1 to a stopped clock (and divide by zero when
  // mapping); starting over is also how an honest clock recovers from a step, such as a phone whose
  // monotonic clock paused while it slept.
  if (newest && !consistent(newest, added)) return { samples: [added] };
  // Copied by a loop into one new list: a JSON player's every pong comes here.
  const from = Math.max(0, old.length + 1 - Math.max(1, window));
  const samples: Sample[] = [];
  for (let i = from; i < old.length; i++) samples.push(old[i] as Sample);
  samples.push(added);
  return { samples };
}

/** Whether a client clock within MAX_DRIFT can have read `a.tc`, then `b.tc`, during the two probes. */
function consistent(a: Sample, b: Sample): boolean {
  const elapsed = b.tc - a.tc;
  // Each reading was taken somewhere within its round trip; overlapping probes may share an instant.
  const least = Math.max(0, b.t0 - a.t1) * (1 - MAX_DRIFT);
  const most = (b.t1 - a.t0) * (1 + MAX_DRIFT);
  return elapsed >= least && elapsed <= most;
}

const rttOf = (s: Sample) => s.t1 - s.t0;
// The client read its clock somewhere in the round trip; the middle is exact on a symmetric link.
const midOf = (s: Sample) => (s.t0 + s.t1) / 2;
const offsetOf = (s: Sample) => s.tc - midOf(s);

/** The median of numbers already in ascending order. */
function middle(sorted: ArrayLike<number>): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Least-squares slope of y over x, and its standard error (Infinity when the points cannot tell). */
function fitSlope(xs: ArrayLike<number>, ys: ArrayLike<number>): { slope: number; error: number } {
  const n = xs.length;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i] as number;
    sy += ys[i] as number;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    sxx += dx ** 2;
    sxy += dx * ((ys[i] as number) - my);
  }
  if (n < 3 || sxx === 0) return { slope: 0, error: Infinity };
  const slope = sxy / sxx;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += ((ys[i] as number) - my - slope * ((xs[i] as number) - mx)) ** 2;
  return { slope, error: Math.sqrt(rss / (n - 2) / sxx) };
}

/**
 * What round trips (sorted, fastest first, at least one) say of a link: the fastest, the 90th
 * percentile (how long a trip can take, short of a stall), and the jitter.
 */
export function roundTrips(sorted: ArrayLike<number>): { rtt: number; rttHigh: number; jitter: number } {
  const mid = middle(sorted);
  // Numbers in a typed array sort natively, in numeric order: no comparator call per comparison.
  // Filled by a loop: `Float64Array.from` with a map function runs the iterator protocol in
  // JavaScript, a dozen short-lived objects per call, and every answered ping frame calls this.
  const deviations = new Float64Array(sorted.length);
  for (let i = 0; i < sorted.length; i++) deviations[i] = Math.abs((sorted[i] as number) - mid);
  deviations.sort();
  return {
    rtt: sorted[0] as number,
    rttHigh: sorted[Math.floor(0.9 * (sorted.length - 1))] as number,
    // The median absolute deviation from the median: one stalled probe cannot move it.
    jitter: middle(deviations),
  };
}

/** Estimates offset, drift, minimum RTT and jitter from the window: finite, or null before a sample. */
export function estimate(state: ClockState): ClockEstimate | null {
  const all = state.samples;
  const n = all.length;
  const newest = all[n - 1];
  if (!newest) return null;
  // Worked out in loops over typed arrays, not with sorts, maps and spreads of sample lists: a JSON
  // player's every pong comes here, and a room fills with thousands of them.
  // A queued or retransmitted answer only ever adds delay, so the fastest round trips are the truthful ones.
  const order = byRtt(all);
  const rtts = new Float64Array(n);
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    const s = all[order[i] as number] as Sample;
    rtts[i] = rttOf(s);
    const mid = midOf(all[i] as Sample);
    first = Math.min(first, mid);
    last = Math.max(last, mid);
  }
  const { rtt, rttHigh, jitter } = roundTrips(rtts);
  let drift = 0;
  if (n >= 4 && last - first >= MIN_DRIFT_SPAN) {
    // The best-RTT half, and at least 3 samples so the residuals can tell how noisy the slope is.
    const k = Math.min(n, Math.max(3, Math.ceil(n / 2)));
    const xs = new Float64Array(k);
    const ys = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      const s = all[order[i] as number] as Sample;
      xs[i] = midOf(s);
      ys[i] = offsetOf(s);
    }
    const fit = fitSlope(xs, ys);
    // On a short jittery window a noisy slope, extrapolated, costs more than the drift it would correct;
    // a slope beyond MAX_DRIFT is no real clock, and near -1 it would make the mapping divide by zero.
    if (fit.error <= MAX_DRIFT_ERROR && Math.abs(fit.slope) <= MAX_DRIFT) drift = fit.slope;
  }
  const tRef = midOf(newest);
  // Causality puts the offset within [tc - t1, tc - t0] for every sample (each end carried to tRef along
  // the drift). Intersecting them uses the fastest trip each way; a queued sample's wide range adds nothing.
  let low = -Infinity;
  let high = Infinity;
  for (const s of all) {
    low = Math.max(low, s.tc - s.t1 + drift * (tRef - s.t1));
    high = Math.min(high, s.tc - s.t0 + drift * (tRef - s.t0));
  }
  // The middle is exact on a symmetric link; if the ranges miss each other (a clock step) it splits the gap.
  const offset = (low + high) / 2;
  // A client picks its readings freely: ones near the largest doubles overflow the sums above.
  const finite = [offset, rtt, rttHigh, jitter, drift, tRef].every(Number.isFinite);
  return finite ? { offset, rtt, rttHigh, jitter, drift, samples: n, ref: tRef } : null;
}

/** The samples' positions ordered by round trip, fastest first; ties keep their order (an insertion sort: a window is small). */
function byRtt(samples: readonly Sample[]): Int32Array {
  const order = new Int32Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const rtt = rttOf(samples[i] as Sample);
    let j = i;
    for (; j > 0 && rttOf(samples[order[j - 1] as number] as Sample) > rtt; j--)
      order[j] = order[j - 1] as number;
    order[j] = i;
  }
  return order;
}

/** The client's clock reading at server time `server`: what serverTime inverts, drift included. */
export function clientTime(est: ClockEstimate, server: number): number {
  return server + est.offset + est.drift * (server - est.ref);
}

/** Maps a client monotonic reading to server time with an estimate already made (null if unmappable). */
export function serverTime(est: ClockEstimate, clientTime: number): number | null {
  // client = server + offset + drift * (server - ref); solved exactly for server (|drift| <= MAX_DRIFT).
  const server = (clientTime - est.offset + est.drift * est.ref) / (1 + est.drift);
  return Number.isFinite(server) ? server : null;
}
