/**
 * The connections to Redis, watched. Bun's client, left to itself, holds every command while
 * Redis is away and says nothing (then gives up for good after about 30 s); here commands fail at
 * once while Redis is away, the operator reads one line when it goes and one when it is back, and
 * the link reconnects for as long as it takes.
 */
import { RedisClient } from "bun";

/** How often a lost link tries Redis again, in ms. */
const RECONNECT_MS = 500;

/** What the link tells its user: Redis went away, or came back (after it reconnected). */
export interface LinkEvents {
  down: () => void;
  up: () => void;
  warn: (line: string) => void;
}

/** A command client and a subscriber on one Redis, up or down together. */
export class RedisLink {
  /** For commands: fails at once while Redis is away. */
  readonly redis: RedisClient;
  /** For subscriptions (Redis lets a subscribed connection do nothing else). */
  readonly sub: RedisClient;
  private up = true;
  private started = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly url: string,
    private readonly events: LinkEvents,
  ) {
    // Reconnecting is ours (Bun's stops after 20 tries); queueing is off so commands are refused, not held.
    const options = { autoReconnect: false, enableOfflineQueue: false };
    this.redis = new RedisClient(url, options);
    this.sub = new RedisClient(url, options);
  }

  /** Whether both connections are up: commands that need Redis can be carried out. */
  get isUp(): boolean {
    return this.up;
  }

  /** Connects both clients; fails (with Redis's reason) if Redis cannot be reached. */
  async start(): Promise<void> {
    // A first look with a short timeout turns a Redis that is not there into a clear error now.
    const look = new RedisClient(this.url, { autoReconnect: false, connectionTimeout: 5000 });
    await look.connect();
    look.close();
    await Promise.all([this.redis.connect(), this.sub.connect()]);
    this.redis.onclose = (error) => this.lost(error);
    this.sub.onclose = (error) => this.lost(error);
    this.started = true;
  }

  /** Reports a Redis failure, unless Redis is known to be away (then it is one more of the same). */
  problem(error: unknown): void {
    if (this.up) this.events.warn(`Redis: ${(error as Error)?.message ?? error}`);
  }

  /** Closes both connections for good. */
  close(): void {
    this.started = false;
    clearTimeout(this.timer);
    this.redis.close();
    this.sub.close();
  }

  private lost(error: Error): void {
    // Each failed reconnect closes again: only the first loss is news.
    if (!this.started || !this.up) return;
    this.up = false;
    this.events.warn(
      `Redis: connection lost (${error?.message ?? "closed"}): commands that need it are refused until it is back`,
    );
    this.events.down();
    this.timer = setTimeout(() => void this.reconnect(), RECONNECT_MS);
  }

  private async reconnect(): Promise<void> {
    try {
      await Promise.all([this.redis, this.sub].filter((c) => !c.connected).map((c) => c.connect()));
    } catch {
      if (this.started) this.timer = setTimeout(() => void this.reconnect(), RECONNECT_MS);
      return;
    }
    if (!this.started) return;
    this.up = true;
    this.events.warn("Redis: connection back: the game goes on");
    this.events.up();
  }
}
