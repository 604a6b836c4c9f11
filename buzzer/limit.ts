/** A token bucket, pure: `take` returns the new bucket and whether the message is allowed. */
export interface Bucket {
  tokens: number;
  at: number;
  /** Messages refused since the last allowed one. */
  refused: number;
}

/** How many messages a client may send: a burst, then a steady rate per second. */
export const RATE = { burst: 40, perSecond: 20, closeAfter: 200 } as const;

/** A full bucket at time `now`. */
export function fullBucket(now: number): Bucket {
  return { tokens: RATE.burst, at: now, refused: 0 };
}

/** Spends one token if there is one; refills at RATE.perSecond since the last call. */
export function take(bucket: Bucket, now: number): { bucket: Bucket; allowed: boolean } {
  const tokens = Math.min(RATE.burst, bucket.tokens + ((now - bucket.at) * RATE.perSecond) / 1000);
  return tokens >= 1
    ? { bucket: { tokens: tokens - 1, at: now, refused: 0 }, allowed: true }
    : { bucket: { tokens, at: now, refused: bucket.refused + 1 }, allowed: false };
}
