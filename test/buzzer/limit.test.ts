import { describe, expect, test } from "bun:test";
import {
  type Bucket,
  fullBucket,
  LINES_PER_ADDRESS,
  logLine,
  RATE,
  SECRETS_PER_ADDRESS,
  secondsToToken,
  secretsRefusal,
  take,
  UNUSED,
} from "../../buzzer/limit.ts";

/** Takes `n` times at `now`, returning the last bucket and how many were allowed. */
function takeMany(bucket: Bucket, now: number, n: number): { bucket: Bucket; allowed: number } {
  let b = bucket;
  let allowed = 0;
  for (let i = 0; i < n; i++) {
    const r = take(b, now);
    b = r.bucket;
    if (r.allowed) allowed++;
  }
  return { bucket: b, allowed };
}

/** A bucket emptied at time `now`. */
const drained = (now: number): Bucket => takeMany(fullBucket(now), now, RATE.burst).bucket;

describe("limit", () => {
  test("allows a burst of 40, then 20 per second, and closes after 200 refusals", () => {
    expect(RATE).toEqual({ burst: 40, perSecond: 20, closeAfter: 200 });
  });

  test("starts a bucket full at the given time", () => {
    expect(fullBucket(1000)).toStrictEqual({ tokens: 40, at: 1000, refused: 0 });
  });

  test("allows RATE.burst messages at once from a full bucket, then refuses", () => {
    let b = fullBucket(0);
    const allowed: boolean[] = [];
    for (let i = 0; i < RATE.burst + 1; i++) {
      const r = take(b, 0);
      b = r.bucket;
      allowed.push(r.allowed);
    }
    expect(allowed.slice(0, RATE.burst).every(Boolean)).toBe(true);
    expect(allowed[RATE.burst]).toBe(false);
    expect(b).toStrictEqual({ tokens: 0, at: 0, refused: 1 });
  });

  test("spends one token per allowed message", () => {
    expect(take(fullBucket(0), 0)).toStrictEqual({
      bucket: { tokens: 39, at: 0, refused: 0 },
      allowed: true,
    });
  });

  test("refills one token every 1000 / RATE.perSecond ms", () => {
    const b = drained(0);
    expect(take(b, 49).allowed).toBe(false);
    const next = take(b, 50);
    expect(next).toStrictEqual({ bucket: { tokens: 0, at: 50, refused: 0 }, allowed: true });
    expect(take(next.bucket, 50).allowed).toBe(false);
  });

  test("refills RATE.perSecond tokens in one second", () => {
    const { bucket, allowed } = takeMany(drained(0), 1000, RATE.perSecond + 1);
    expect(allowed).toBe(RATE.perSecond);
    expect(bucket.refused).toBe(1);
  });

  test("keeps partial refills across refusals", () => {
    const refused = take(drained(0), 25);
    expect(refused).toStrictEqual({ bucket: { tokens: 0.5, at: 25, refused: 1 }, allowed: false });
    expect(take(refused.bucket, 50).allowed).toBe(true);
  });

  test("never refills beyond RATE.burst", () => {
    const { allowed } = takeMany(drained(0), 10_000, RATE.burst + 5);
    expect(allowed).toBe(RATE.burst);
    expect(take(fullBucket(0), 60_000).bucket.tokens).toBe(RATE.burst - 1);
  });

  test("counts consecutive refusals", () => {
    const { bucket } = takeMany(drained(0), 0, 3);
    expect(bucket).toStrictEqual({ tokens: 0, at: 0, refused: 3 });
  });

  test("resets the refusal count on an allowed message", () => {
    const refusedTwice = takeMany(drained(0), 0, 2).bucket;
    expect(refusedTwice.refused).toBe(2);
    const allowed = take(refusedTwice, 50);
    expect(allowed.allowed).toBe(true);
    expect(allowed.bucket.refused).toBe(0);
    expect(take(allowed.bucket, 50).bucket.refused).toBe(1);
  });

  test("secondsToToken is the whole seconds until one token, rounded up; 0 with one in hand", () => {
    const rate = SECRETS_PER_ADDRESS;
    expect(rate).toEqual({ burst: 10, perSecond: 1 / 6 });
    const spent: Bucket = { tokens: 0, at: 1000, refused: 0 };
    expect(secondsToToken(spent, 1000, rate)).toBe(6);
    expect(secondsToToken(spent, 1001, rate)).toBe(6);
    expect(secondsToToken(spent, 2000, rate)).toBe(5);
    expect(secondsToToken(spent, 6999, rate)).toBe(1);
    expect(secondsToToken(spent, 7000, rate)).toBe(0);
    expect(secondsToToken(fullBucket(0, rate), 0, rate)).toBe(0);
    // Partly refilled: what is missing of one token, at the rate's pace.
    expect(secondsToToken({ tokens: 0.5, at: 0, refused: 2 }, 0, rate)).toBe(3);
    expect(secondsToToken(drained(0), 0)).toBe(1);
  });

  test("secretsRefusal says how long to wait in words", () => {
    expect(secretsRefusal(6)).toBe("too many wrong secrets from your address: wait 6 seconds");
    expect(secretsRefusal(1)).toBe("too many wrong secrets from your address: wait 1 second");
  });

  test("logLine takes 20 lines about an address, then one a second, each saying how many were held back before it", () => {
    expect(LINES_PER_ADDRESS).toEqual({ burst: 20, perSecond: 1 });
    let lines = UNUSED;
    const held: (number | null)[] = [];
    for (let i = 0; i < 23; i++) {
      const r = logLine(lines, 0);
      lines = r.bucket;
      held.push(r.held);
    }
    expect(held).toEqual([...Array(20).fill(0), null, null, null]);
    expect(logLine(lines, 999).held).toBeNull();
    const second = logLine(logLine(lines, 999).bucket, 1000);
    expect(second.held).toBe(4);
    expect(logLine(second.bucket, 1000).held).toBeNull();
  });

  test("never mutates the bucket it is given", () => {
    const b = Object.freeze(drained(0));
    expect(() => take(b, 0)).not.toThrow();
    expect(() => take(b, 1000)).not.toThrow();
    expect(b).toStrictEqual({ tokens: 0, at: 0, refused: 0 });
  });
});
