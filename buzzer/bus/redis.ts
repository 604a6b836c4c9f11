/**
 * The bus across processes and machines, on Redis. Every process runs a gateway and an owner. A
 * room's commands go to the process holding its lease (leases.ts) on that process's channel;
 * effects for connections go to their gateway's channel; a room's published views go once to every
 * gateway (one Redis message per change, not one per player), which relays them with Bun's pub/sub.
 * A command for a room no one owns makes its sender the owner, restoring the room from its journal.
 */
import { RedisClient } from "bun";
import type { GatewayEffect, RoomCommand } from "../room/commands.ts";
import type { Owner } from "../room/owner.ts";
import { Leases } from "./leases.ts";
import type { Bus } from "./local.ts";

/** How long to wait before asking again for a room whose owner stopped listening, in ms. */
const RETRY_MS = 100;

const channel = {
  owner: (pid: string) => `bz:owner:${pid}`,
  gateway: (pid: string) => `bz:gateway:${pid}`,
  all: "bz:all",
};

/** What the bus needs: Redis, this process's id, its owner, and where a problem is reported. */
export interface RedisBusOptions {
  url: string;
  /** This process's id (no dots): its gateway's connection ids start with it. */
  pid: string;
  owner: Owner;
  warn: (line: string) => void;
}

/** Many processes, one game: commands to each room's owner, effects back to the gateways. */
export class RedisBus implements Bus {
  readonly leases: Leases;
  private readonly redis: RedisClient;
  private readonly sub: RedisClient;
  private gateway: { deliver(effects: GatewayEffect[]): void } | null = null;
  /** Room → the process that owned it when last asked (forgotten when it stops answering). */
  private readonly owners = new Map<string, string>();
  /** Rooms whose owner is being looked up, with the commands that wait for it, in order. */
  private readonly waiting = new Map<string, RoomCommand[]>();
  private started = false;

  constructor(private readonly opts: RedisBusOptions) {
    this.redis = new RedisClient(opts.url);
    this.sub = new RedisClient(opts.url);
    this.leases = new Leases(this.redis, opts.pid);
  }

  /** Connects to Redis and listens; fails (with Redis's reason) if Redis cannot be reached. */
  async start(): Promise<void> {
    // The working clients retry a lost connection by themselves; a first look, which does not,
    // turns a Redis that is not there into a clear error now instead of a wait.
    const look = new RedisClient(this.opts.url, { autoReconnect: false, connectionTimeout: 5000 });
    await look.connect();
    look.close();
    await Promise.all([this.redis.connect(), this.sub.connect()]);
    await this.listen();
    // Bun's subscriber reconnects by itself but does not subscribe again: we do, or this process
    // would silently stop hearing its rooms' commands.
    this.sub.onconnect = () => void (this.started && this.listen().catch((e) => this.problem(e)));
    this.sub.onclose = (error) => this.problem(error);
    this.opts.owner.connect((effects) => this.fromOwner(effects));
    this.leases.startRenewing((room) => this.opts.owner.drop(room));
    this.started = true;
  }

  /** Routes the owner's effects to the gateway that holds the sockets (this process's own). */
  attach(gateway: { deliver(effects: GatewayEffect[]): void }): void {
    this.gateway = gateway;
  }

  /** Hands a command to its room's owner: here, on another process, or found first. */
  send(cmd: RoomCommand): void {
    // A room being taken over waits until its journal is read, even once its lease is ours.
    const queue = this.waiting.get(cmd.room);
    if (queue) return void queue.push(cmd);
    if (this.leases.holds(cmd.room)) return this.opts.owner.handle(cmd);
    const owner = this.owners.get(cmd.room);
    if (owner) return void this.forward(owner, cmd);
    this.waiting.set(cmd.room, [cmd]);
    void this.find(cmd.room);
  }

  /** Asks again for a room whose owner stopped listening, after a pause: its lease may last 3 s more. */
  private retry(cmd: RoomCommand): void {
    const { room } = cmd;
    if (this.waiting.has(room) || this.leases.holds(room) || this.owners.has(room)) return this.send(cmd);
    this.waiting.set(room, [cmd]);
    // Not at once: until the dead owner's lease runs out every look names it again, and asking in a
    // loop would flood Redis (tens of thousands of calls a room) just when a process has died.
    setTimeout(() => void (this.started && this.find(room)), RETRY_MS);
  }

  /** Stops listening and renewing: this process's rooms go to others once their leases run out. */
  close(): void {
    this.started = false;
    this.leases.stop();
    this.sub.close();
    this.redis.close();
  }

  private async listen(): Promise<void> {
    const { pid } = this.opts;
    // After a reconnect the old subscriptions are gone on the server but not in Bun's bookkeeping.
    if (this.started) await Promise.resolve(this.sub.unsubscribe()).catch(() => {});
    await this.sub.subscribe(channel.owner(pid), (text) => this.send(JSON.parse(text)));
    await this.sub.subscribe(channel.gateway(pid), (text) => this.gateway?.deliver(JSON.parse(text)));
    await this.sub.subscribe(channel.all, (text) => {
      const { from, effects } = JSON.parse(text) as { from: string; effects: GatewayEffect[] };
      if (from !== pid) this.gateway?.deliver(effects);
    });
  }

  private async forward(owner: string, cmd: RoomCommand): Promise<void> {
    const heard = await this.redis.publish(channel.owner(owner), JSON.stringify(cmd)).catch(() => 0);
    if (heard > 0) return;
    // No one listens there any more (the process died): find the room's owner again, or become it.
    if (this.owners.get(cmd.room) === owner) this.owners.delete(cmd.room);
    this.retry(cmd);
  }

  private async find(room: string): Promise<void> {
    let queue: RoomCommand[] = [];
    try {
      const owner = await this.leases.take(room);
      if (owner === this.opts.pid) {
        const restored = await this.leases.load(room);
        this.opts.owner.adopt(room, restored);
        // Gateways tell a room taken over which of their connections are still in it.
        if (restored) this.fromOwner([{ type: "adopted", room }]);
      } else {
        this.owners.set(room, owner);
      }
    } catch (error) {
      this.problem(error);
      // Redis cannot be asked: no process can decide the room now (none splits it off on its own).
      // The commands are refused, not sent round in a loop; clients try again.
      const refused = (this.waiting.get(room) ?? []).filter((c) => "conn" in c && c.conn !== null);
      this.waiting.delete(room);
      const message = "the game's store cannot be reached: try again in a moment";
      this.gateway?.deliver(
        refused.map((c) => ({
          type: "error",
          conn: (c as { conn: string }).conn,
          code: "UNAVAILABLE",
          message,
        })),
      );
      return;
    }
    queue = this.waiting.get(room) ?? [];
    this.waiting.delete(room);
    for (const cmd of queue) this.send(cmd);
  }

  /** Effects to the gateways: a connection's to its own gateway, a room's to every gateway. */
  private fromOwner(effects: GatewayEffect[]): void {
    const { pid } = this.opts;
    const here: GatewayEffect[] = [];
    const all: GatewayEffect[] = [];
    const there = new Map<string, GatewayEffect[]>();
    for (const e of effects) {
      if (!("conn" in e)) {
        here.push(e);
        all.push(e);
        continue;
      }
      const gateway = e.conn.slice(0, e.conn.indexOf("."));
      if (gateway === pid) here.push(e);
      else there.set(gateway, [...(there.get(gateway) ?? []), e]);
    }
    if (here.length) this.gateway?.deliver(here);
    for (const [gateway, list] of there) void this.publish(channel.gateway(gateway), list);
    if (all.length) void this.publish(channel.all, { from: pid, effects: all });
  }

  private async publish(to: string, message: unknown): Promise<void> {
    await this.redis.publish(to, JSON.stringify(message)).catch((e) => this.problem(e));
  }

  private problem(error: unknown): void {
    this.opts.warn(`Redis: ${(error as Error)?.message ?? error}`);
  }
}
