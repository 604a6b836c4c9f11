/** A token bucket, pure: `take` returns the new bucket and whether the message is allowed. */
export interface Bucket {
  tokens: number;
  at: number;
  /** Messages refused since the last allowed one. */
  refused: number;
}

/** A bucket's size and refill rate. */
export interface Rate {
  burst: number;
  perSecond: number;
}

/** How many messages a client may send: a burst, then a steady rate per second. */
export const RATE = { burst: 40, perSecond: 20, closeAfter: 200 } as const;

/** How many players may join from one address: a classroom behind one router fits in the burst. */
export const JOINS_PER_ADDRESS: Rate = { burst: 200, perSecond: 5 };

/** How many wrong host secrets one address may try: ten, then one every six seconds. */
export const SECRETS_PER_ADDRESS: Rate = { burst: 10, perSecond: 1 / 6 };

/**
 * How often one player may come back on a new connection (a resume token, or its name from its
 * address): ten in a row, as a phone on bad Wi-Fi does, then one every two seconds. A client that
 * resumes in a loop is refused, not given a snapshot and a line on the server's terminal each time.
 */
export const RESUMES_PER_PLAYER: Rate = { burst: 10, perSecond: 0.5 };

/**
 * How many lines about one address (its refused connections and messages, its closed connections)
 * a gateway prints: twenty, then one a second, so a flooder cannot bury the round's lines.
 */
export const LINES_PER_ADDRESS: Rate = { burst: 20, perSecond: 1 };

/**
 * A bucket never used: full at any rate (its tokens are capped at the rate's burst when taken).
 * One object serves every new connection, as `take` never changes a bucket but returns a new one.
 */
export const UNUSED: Bucket = Object.freeze({ tokens: Number.POSITIVE_INFINITY, at: 0, refused: 0 });

/** A full bucket at time `now`. */
export function fullBucket(now: number, rate: Rate = RATE): Bucket {
  return { tokens: rate.burst, at: now, refused: 0 };
}

/** Spends one token if there is one; refills at the rate's steady pace since the last call. */
export function take(bucket: Bucket, now: number, rate: Rate = RATE): { bucket: Bucket; allowed: boolean } {
  const tokens = tokensAt(bucket, now, rate);
  return tokens >= 1
    ? { bucket: { tokens: tokens - 1, at: now, refused: 0 }, allowed: true }
    : { bucket: { tokens, at: now, refused: bucket.refused + 1 }, allowed: false };
}

/** The tokens a bucket holds at `now`, refill included. */
export function tokensAt(bucket: Bucket, now: number, rate: Rate = RATE): number {
  return Math.min(rate.burst, bucket.tokens + ((now - bucket.at) * rate.perSecond) / 1000);
}

/**
 * Takes one line from an address's allowance of log lines (at LINES_PER_ADDRESS): the new bucket, and
 * how many lines were held back since the last one taken, for this one to say; null holds it back too.
 */
export function logLine(lines: Bucket, now: number): { bucket: Bucket; held: number | null } {
  const { bucket, allowed } = take(lines, now, LINES_PER_ADDRESS);
  return { bucket, held: allowed ? lines.refused : null };
}

/** Whole seconds until a bucket holds a token again, rounded up: 0 when it holds one now (what a refusal says to wait). */
export function secondsToToken(bucket: Bucket, now: number, rate: Rate = RATE): number {
  const missing = 1 - tokensAt(bucket, now, rate);
  // Less a hair, so floating-point noise (5.000000000000001) does not add a whole second.
  return missing > 0 ? Math.max(1, Math.ceil(missing / rate.perSecond - 1e-9)) : 0;
}

/** Why a host secret is refused before it is even compared, in words: how long the address must wait. */
export function secretsRefusal(seconds: number): string {
  return `too many wrong secrets from your address: wait ${seconds} ${seconds === 1 ? "second" : "seconds"}`;
}

/** Whether a bucket has refilled completely by `now` (so it can be forgotten). */
function isFull(bucket: Bucket, now: number, rate: Rate = RATE): boolean {
  return tokensAt(bucket, now, rate) >= rate.burst;
}

/** One address's allowances: new players it may add, wrong host secrets it may try. */
export interface Guard {
  joins: Bucket;
  secrets: Bucket;
}

/** An address's allowances, full at `now`. */
export function newGuard(now: number, joinRate: Rate): Guard {
  return { joins: fullBucket(now, joinRate), secrets: fullBucket(now, SECRETS_PER_ADDRESS) };
}

/** Whole seconds until the address may try a host secret, 0 for now (checked before the secret: a guesser learns nothing). */
export function secretWait(guard: Guard, now: number): number {
  return secondsToToken(guard.secrets, now, SECRETS_PER_ADDRESS);
}

/** Counts a wrong secret against the address. */
export function wrongSecret(guard: Guard, now: number): void {
  guard.secrets = take(guard.secrets, now, SECRETS_PER_ADDRESS).bucket;
}

/** Spends one new player of the address's allowance; false when it is spent. */
export function addOne(guard: Guard, now: number, joinRate: Rate): boolean {
  const { bucket, allowed } = take(guard.joins, now, joinRate);
  guard.joins = bucket;
  return allowed;
}

/** Whether both allowances have refilled by `now`, so the address can be forgotten. */
export function refilled(guard: Guard, now: number, joinRate: Rate): boolean {
  return isFull(guard.joins, now, joinRate) && isFull(guard.secrets, now, SECRETS_PER_ADDRESS);
}
