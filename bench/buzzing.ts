/**
 * Buzzing on many plain-text connections, every reply checked: a burst (one buzz from each in the
 * same tick, exactly one first place), then paced repeats that must get each connection's verdict
 * again. The load generator's burst and verdict scenarios and the flood bench's honest players.
 */
import { now, until } from "./harness.ts";
import { FIRST, SLOWER } from "./verdicts.ts";
import { textFrame, type WireConn } from "./wire.ts";

const BUZZ = textFrame("buzz");

/** One burst: `buzz` on every connection in one synchronous loop, one verdict expected from each. */
export class Burst {
  /** Each connection's verdict ("" until it comes). */
  readonly verdicts: string[];
  received = 0;
  verified = 0;
  firstPlaces = 0;
  /** When the last verdict came. */
  lastAt = 0;
  private got = 0;

  constructor(
    private readonly conns: WireConn[],
    fail: (message: string) => void,
  ) {
    this.verdicts = new Array(conns.length).fill("");
    conns.forEach((c, i) => {
      c.onText = (text) => {
        this.received++;
        if (this.verdicts[i]) return fail(`a second reply in one round: ${text}`);
        this.verdicts[i] = text;
        this.got++;
        this.lastAt = now();
        if (text === FIRST ? this.firstPlaces++ === 0 : SLOWER.test(text)) this.verified++;
        else fail(text === FIRST ? "more than one first place!" : `not a verdict: ${text}`);
      };
    });
  }

  /** Connections that have their verdict. */
  get answered(): number {
    return this.got;
  }

  /** Sends every buzz (the frame is prepared once); returns when the send loop ended. */
  send(): number {
    for (const c of this.conns) c.send(BUZZ);
    return now();
  }

  /** Waits up to `ms` for every verdict; returns whether all came. */
  complete(ms: number): Promise<boolean> {
    return until(() => this.got === this.conns.length, ms);
  }
}

/**
 * Each connection buzzes `perSecond` times a second (0: as fast as replies come), one buzz
 * outstanding, phases spread over one interval so the load is even; every reply must be the
 * connection's verdict from the burst.
 */
export class PacedBuzzers {
  sent = 0;
  received = 0;
  verified = 0;
  private running = true;
  /** When each connection's outstanding buzz went (0: none outstanding). */
  private readonly waiting: Float64Array;
  /** Send time and latency of every verified reply, in pairs. */
  private readonly timed: number[] = [];

  constructor(conns: WireConn[], verdicts: string[], perSecond: number, fail: (message: string) => void) {
    const interval = perSecond > 0 ? 1000 / perSecond : 0;
    this.waiting = new Float64Array(conns.length);
    conns.forEach((c, i) => {
      const expected = verdicts[i] as string;
      const fire = () => {
        // A paced buzz may come due after stop().
        if (!this.running || !c.isOpen) return;
        this.waiting[i] = now();
        this.sent++;
        c.send(BUZZ);
      };
      c.onText = (text) => {
        this.received++;
        const sentAt = this.waiting[i] as number;
        if (!sentAt) return fail(`unasked reply: ${text}`);
        this.waiting[i] = 0;
        const t = now();
        if (text !== expected) fail(`expected the same verdict ${expected}, got ${text}`);
        else {
          this.verified++;
          this.timed.push(sentAt, t - sentAt);
        }
        // The next buzz goes one interval after the last was sent.
        const wait = sentAt + interval - t;
        if (wait > 0) setTimeout(fire, wait);
        else fire();
      };
      setTimeout(fire, Math.random() * interval);
    });
  }

  /** Sends no more buzzes. */
  stop(): void {
    this.running = false;
  }

  /** Buzzes sent before `t` still waiting for their reply. */
  outstanding(before = Number.POSITIVE_INFINITY): number {
    let n = 0;
    for (const t of this.waiting) if (t > 0 && t < before) n++;
    return n;
  }

  /** Latencies (ms, ascending) of the verified replies to buzzes sent in [from, to), however late they came. */
  latencies(from: number, to: number): Float64Array {
    const out: number[] = [];
    for (let k = 0; k < this.timed.length; k += 2) {
      const sentAt = this.timed[k] as number;
      if (sentAt >= from && sentAt < to) out.push(this.timed[k + 1] as number);
    }
    return Float64Array.from(out).sort();
  }
}
