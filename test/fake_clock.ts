/**
 * A simulated clock for unit tests, in the spirit of xstate's SimulatedClock: time moves only when
 * a test calls `advance`, and timers run in time order as it passes them. No real timer is ever set.
 */
import type { Clock } from "../buzzer/time.ts";

interface Timer {
  handle: number;
  at: number;
  fn: () => void;
}

/** A Clock whose time a test moves by hand; timers and `soon` callbacks run only when it is told to. */
export class FakeClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new Map<number, Timer>();
  private readonly soonQueue: (() => void)[] = [];

  /** Starts the clock at `start` ms. */
  constructor(start = 0) {
    this.time = start;
  }

  /** The simulated time in ms. */
  now(): number {
    return this.time;
  }

  /** Schedules `fn` at now + `ms` (a negative delay counts as 0); returns a handle for cancel. */
  after(ms: number, fn: () => void): number {
    const handle = ++this.seq;
    this.timers.set(handle, { handle, at: this.time + Math.max(0, ms), fn });
    return handle;
  }

  /** Cancels a timer; unknown or already-run handles are ignored. */
  cancel(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Queues `fn` to run at the next `runSoon` (or the start of the next `advance`). */
  soon(fn: () => void): void {
    this.soonQueue.push(fn);
  }

  /** Runs queued `soon` callbacks, including those they queue, until none is left. */
  runSoon(): void {
    for (let fn = this.soonQueue.shift(); fn; fn = this.soonQueue.shift()) fn();
  }

  /**
   * Moves time forward by `ms`: runs `soon` callbacks, then every timer due by the new time in time
   * order (ties in the order they were set), each at its own time and followed by the `soon`
   * callbacks it queued; a timer set by a timer runs too if it falls due within the advance.
   */
  advance(ms: number): void {
    if (ms < 0) throw new Error(`cannot move time backwards (${ms} ms)`);
    const target = this.time + ms;
    this.runSoon();
    for (let next = this.due(target); next; next = this.due(target)) {
      this.timers.delete(next.handle);
      this.time = next.at;
      next.fn();
      this.runSoon();
    }
    this.time = target;
  }

  /** How many timers are set and not yet run or cancelled. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** The earliest timer due by `limit` (ties: the first set), or undefined. */
  private due(limit: number): Timer | undefined {
    let first: Timer | undefined;
    for (const t of this.timers.values()) {
      if (t.at <= limit && (!first || t.at < first.at || (t.at === first.at && t.handle < first.handle))) {
        first = t;
      }
    }
    return first;
  }
}
