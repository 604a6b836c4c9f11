/** Timers and the current time, behind an interface so tests can drive a fake clock. */
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Calls `fn` after `ms`; returns a handle for cancel. */
  after(ms: number, fn: () => void): unknown;
  cancel(handle: unknown): void;
  /** Calls `fn` once this turn of the event loop is done (after the I/O already read). */
  soon(fn: () => void): void;
}

/**
 * A clock every process on a machine reads alike (the wall clock at sub-millisecond resolution,
 * NTP-disciplined across machines): what a cluster's gateways and owners stamp times with.
 */
export const wallClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  after: (ms, fn) => setTimeout(fn, ms),
  cancel: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  soon: (fn) => setImmediate(fn),
};

/** The real clock: performance.now() and the event loop's timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  after: (ms, fn) => setTimeout(fn, ms),
  cancel: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  soon: (fn) => setImmediate(fn),
};
