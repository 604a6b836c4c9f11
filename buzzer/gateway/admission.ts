/**
 * Per-address limits, pure (time passed in): how many connections an address may hold, how many
 * players it may add, how many wrong host secrets it may try, and how many lines the log takes about
 * it. Entries are forgotten once unused.
 */
import {
  addOne,
  type Bucket,
  type Guard,
  LINES_PER_ADDRESS,
  logLine,
  newGuard,
  type Rate,
  refilled,
  secretWait,
  tokensAt,
  UNUSED,
  wrongSecret,
} from "../limit.ts";

/** The join and secret allowances of every address that has used some. */
export class Admission {
  private readonly addresses = new Map<string, Guard>();
  /** The lines the log takes about each address that has had some printed lately. */
  private readonly lines = new Map<string, Bucket>();
  /**
   * Open connections per address (an entry goes when its last connection does), with the address
   * as first seen: its connections all keep that one string (each upgrade reads a new one).
   */
  private readonly open = new Map<string, { address: string; count: number }>();

  constructor(private readonly joinRate: Rate) {}

  /**
   * Counts a connection opening from the address and returns the address's shared string for the
   * connection to keep; null (nothing counted) when the address already holds `max`.
   */
  connect(address: string, max: number): string | null {
    const entry = this.open.get(address);
    if (!entry) {
      if (max < 1) return null;
      this.open.set(address, { address, count: 1 });
      return address;
    }
    if (entry.count >= max) return null;
    entry.count++;
    return entry.address;
  }

  /** Counts a connection from the address closing. */
  disconnect(address: string): void {
    const entry = this.open.get(address);
    if (entry && --entry.count <= 0) this.open.delete(address);
  }

  /** Whether the address may add a player now (nothing is spent). */
  mayJoin(address: string, now: number): boolean {
    return tokensAt(this.of(address, now).joins, now, this.joinRate) >= 1;
  }

  /** Spends one join; false when the allowance was already spent. */
  join(address: string, now: number): boolean {
    return addOne(this.of(address, now), now, this.joinRate);
  }

  /** Empties the address's join allowance (a flooder that reconnects gets nowhere for a while). */
  spendJoins(address: string, now: number): void {
    this.of(address, now).joins = { tokens: 0, at: now, refused: 0 };
  }

  /** Whole seconds until the address may try a host secret, 0 for now; checked before the secret, so a guesser learns nothing. */
  secretWait(address: string, now: number): number {
    return secretWait(this.of(address, now), now);
  }

  /** Counts one wrong secret against the address. */
  wrongSecret(address: string, now: number): void {
    wrongSecret(this.of(address, now), now);
  }

  /** Spends one of the lines the log takes about the address: how many it held back before, or null to hold this one back. */
  logLine(address: string, now: number): number | null {
    const { bucket, held } = logLine(this.lines.get(address) ?? UNUSED, now);
    this.lines.set(address, bucket);
    return held;
  }

  /** Forgets addresses whose allowances have refilled, so the tables do not grow for good. */
  prune(now: number): void {
    for (const [address, guard] of this.addresses)
      if (refilled(guard, now, this.joinRate)) this.addresses.delete(address);
    for (const [address, lines] of this.lines)
      if (tokensAt(lines, now, LINES_PER_ADDRESS) >= LINES_PER_ADDRESS.burst) this.lines.delete(address);
  }

  private of(address: string, now: number): Guard {
    let guard = this.addresses.get(address);
    if (!guard) {
      guard = newGuard(now, this.joinRate);
      this.addresses.set(address, guard);
    }
    return guard;
  }
}
