/**
 * The bus across processes and machines, on Redis. Every process runs a gateway and an owner. A
 * room's commands go to the process holding its lease (leases.ts) on that process's channel;
 * effects for connections go to their gateway's channel; a room's published views go once to every
 * gateway (one Redis message per change, not one per player), which relays them with Bun's pub/sub.
 * A command for a room no one owns makes its sender the owner, restoring the room from its journal.
 * While Redis is away (redis_link.ts) nothing is decided: this process's rooms are let go and
 * commands are refused with UNAVAILABLE; once it is back, rooms are taken over from their journals
 * again, or, if Redis lost the game's data, every client is asked to join again.
 */
import type { RedisClient } from "bun";
import type { Entry } from "../journal.ts";
import type { GatewayEffect, RoomCommand } from "../room/commands.ts";
import type { Owner } from "../room/owner.ts";
import { GatewayWatch } from "./gateway_watch.ts";
import { isStoreLost, Leases } from "./leases.ts";
import type { Bus } from "./local.ts";
import { CHECK_AFTER_MS, Redelivery } from "./redelivery.ts";
import { RedisLink } from "./redis_link.ts";
import { channel, gatewayOf, route, unavailable } from "./routing.ts";

/** How long to wait before asking again for a room whose owner stopped listening, in ms. */
const RETRY_MS = 100;

/** The line each process's operator reads when Redis lost the game's data. */
const RESET_LINE =
  "Redis: the game's data is gone (Redis restarted empty, or was flushed): every room's game ends, its clients are asked to join again, and MAIN starts afresh";

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
  private readonly link: RedisLink;
  private readonly redis: RedisClient;
  private readonly sub: RedisClient;
  private gateway: { deliver(effects: GatewayEffect[]): void } | null = null;
  /** Room → the process that owned it when last asked (forgotten when it stops answering). */
  private readonly owners = new Map<string, string>();
  /** Rooms whose owner is being looked up, with the commands that wait for it, in order. */
  private readonly waiting = new Map<string, RoomCommand[]>();
  private started = false;
  /** The reset under way after Redis lost the game's data (one at a time). */
  private resetting: Promise<boolean> | null = null;
  /** This gateway's joins, buzzes and host actions forwarded to other processes and not yet answered. */
  private readonly redelivery = new Redelivery();
  private checker: ReturnType<typeof setInterval> | null = null;
  /** Gateways that died with connections in this process's rooms: those connections leave. */
  private readonly watch: GatewayWatch;

  constructor(private readonly opts: RedisBusOptions) {
    this.link = new RedisLink(opts.url, {
      warn: opts.warn,
      down: () => this.letGo(),
      up: () => void this.back(),
    });
    this.redis = this.link.redis;
    this.sub = this.link.sub;
    this.leases = new Leases(this.redis, opts.pid);
    this.watch = new GatewayWatch({
      self: opts.pid,
      rooms: () => opts.owner.rooms.values(),
      listening: (gateway) => this.listening(channel.gateway(gateway)),
      leave: (cmd) => opts.owner.handle(cmd),
    });
  }

  /** Connects to Redis and listens; fails (with Redis's reason) if Redis cannot be reached. */
  async start(): Promise<void> {
    await this.link.start();
    await this.leases.joinStore();
    await this.listen();
    this.opts.owner.connect((effects) => this.fromOwner(effects));
    this.leases.startRenewing(
      (room) => this.opts.owner.drop(room),
      (error) => void (isStoreLost(error) && this.reset()),
    );
    this.checker = setInterval(() => {
      void this.recheck();
      if (this.link.isUp) void this.watch.check();
    }, CHECK_AFTER_MS);
    this.started = true;
  }

  /**
   * Writes a room's journal under its lease: past its bound, afresh as the room is now (its state
   * already holds these entries). A write that finds Redis's data gone starts the reset.
   */
  async write(room: string, entries: Entry[]): Promise<void> {
    await this.leases.keep(room, entries, this.opts.owner.rooms.get(room)).catch((error) => {
      if (!isStoreLost(error)) throw error;
      // Let go quietly here: the owner's own letting go would say another process runs the room.
      this.opts.owner.drop(room, true);
      this.leases.forget(room);
      void this.reset();
      throw error;
    });
  }

  /** Reports a line unless Redis is away: then what fails is a consequence the operator was told of. */
  report(line: string): void {
    if (this.link.isUp) this.opts.warn(line);
  }

  /** Routes the owner's effects to the gateway that holds the sockets (this process's own). */
  attach(gateway: { deliver(effects: GatewayEffect[]): void }): void {
    this.gateway = gateway;
  }

  /** Hands a command to its room's owner: here, on another process, or found first. */
  send(cmd: RoomCommand): void {
    if (cmd.type === "leave") this.redelivery.left(cmd.conn);
    if (!this.link.isUp) return this.refuse([cmd]);
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
    if (this.checker) clearInterval(this.checker);
    this.leases.stop();
    this.link.close();
  }

  /** Redis went away: nothing can be journaled, and leases may run out meanwhile, so this process's rooms go. */
  private letGo(): void {
    // Once Redis is back the next command for a room takes it over from its journal, here or elsewhere.
    for (const room of this.leases.forgetAll()) this.opts.owner.drop(room, true);
    this.owners.clear();
  }

  /** Redis is back: listen again (Bun's subscriber does not), and see whether it kept the game's data. */
  private async back(): Promise<void> {
    try {
      await this.listen();
      if (!(await this.leases.storeKept())) return void (await this.reset());
      // Owners may have counted this gateway's connections gone while it could not hear them.
      this.toGateway([{ type: "relinked" }]);
    } catch (error) {
      this.link.problem(error);
    }
  }

  /**
   * Redis lost the game's data (`named`: another process saw it first and named the new dataset):
   * once per loss, this process's rooms end and its clients are asked to join again; the first
   * process to see it tells the others, which may not see it themselves. Resolves false if Redis
   * could not be asked.
   */
  private reset(named?: string): Promise<boolean> {
    if (named === this.leases.store) return Promise.resolve(true);
    this.resetting ??= (async () => {
      const old = this.leases.store;
      let first = false;
      try {
        if (named === undefined) first = await this.leases.joinStore();
        else this.leases.useStore(named);
      } catch (error) {
        this.link.problem(error);
        return false;
      } finally {
        this.resetting = null;
      }
      if (this.leases.store === old) return true;
      this.letGo();
      this.opts.warn(RESET_LINE);
      this.toGateway([{ type: "dataLost" }]);
      if (first)
        void this.publish(channel.all, { from: this.opts.pid, effects: [], store: this.leases.store });
      return true;
    })();
    return this.resetting;
  }

  /** Effects for this process's gateway: what they answer is no longer waited on. */
  private toGateway(effects: GatewayEffect[]): void {
    this.redelivery.answered(effects);
    this.gateway?.deliver(effects);
  }

  /**
   * Sends again this gateway's joins, buzzes and host actions that went to a process which stopped listening
   * before it answered them (redelivery.ts): they reach whoever takes the room over.
   */
  private async recheck(): Promise<void> {
    const owners = this.redelivery.due(performance.now());
    if (owners.size === 0 || !this.link.isUp) return;
    const listening = new Map<string, boolean>();
    try {
      for (const owner of owners) listening.set(owner, await this.listening(channel.owner(owner)));
    } catch (error) {
      return this.link.problem(error);
    }
    for (const cmd of this.redelivery.checked(listening, performance.now())) this.send(cmd);
  }

  /** Whether a process listens on `name` now (Redis's count of its subscribers). */
  private async listening(name: string): Promise<boolean> {
    const [, count] = (await this.redis.send("PUBSUB", ["NUMSUB", name])) as [string, number];
    return Number(count) > 0;
  }

  /** Commands Redis is needed for and cannot be reached for: their connections are told to try again. */
  private refuse(commands: RoomCommand[]): void {
    const refused = unavailable(commands);
    if (refused.length) this.toGateway(refused);
  }

  private async listen(): Promise<void> {
    const { pid } = this.opts;
    // After a reconnect the old subscriptions are gone on the server but not in Bun's bookkeeping.
    if (this.started) await Promise.resolve(this.sub.unsubscribe()).catch(() => {});
    await this.sub.subscribe(channel.owner(pid), (text) => this.send(JSON.parse(text)));
    await this.sub.subscribe(channel.gateway(pid), (text) => this.toGateway(JSON.parse(text)));
    await this.sub.subscribe(channel.all, (text) => {
      const message = JSON.parse(text) as { from: string; effects: GatewayEffect[]; store?: string };
      if (message.from === pid) return;
      // Another process saw Redis lose the game's data first: this one's rooms and clients go too.
      if (message.store !== undefined) return void this.reset(message.store);
      this.toGateway(message.effects);
    });
  }

  private async forward(owner: string, cmd: RoomCommand): Promise<void> {
    // Heard is not handled: an owner that dies with it unread loses it, so its answer is waited on
    // (redelivery.ts), from before it leaves: the answer may come back before Redis says it was heard.
    const ours = "conn" in cmd && cmd.conn !== null && gatewayOf(cmd.conn) === this.opts.pid;
    const kept = ours ? this.redelivery.forwarded(cmd, owner, performance.now()) : null;
    const sent = kept ?? cmd;
    const heard = await this.redis.publish(channel.owner(owner), JSON.stringify(sent)).catch(() => 0);
    if (heard > 0) return;
    // No one listens there any more (the process died): find the room's owner again, or become it.
    if (this.owners.get(cmd.room) === owner) this.owners.delete(cmd.room);
    // A host's earlier actions still on their way there go again first: an undo before the mark after it.
    for (const again of kept ? this.redelivery.unheard(kept, owner) : [cmd]) this.retry(again);
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
      // Redis lost the game's data: once the reset has named the new dataset, the commands go on.
      const again = isStoreLost(error) && (await this.reset());
      if (!again) this.link.problem(error);
      // Redis cannot be asked: no process can decide the room now (none splits it off on its own).
      // The commands are refused, not sent round in a loop; clients try again.
      queue = this.waiting.get(room) ?? [];
      this.waiting.delete(room);
      if (again) for (const cmd of queue) this.send(cmd);
      else this.refuse(queue);
      return;
    }
    queue = this.waiting.get(room) ?? [];
    this.waiting.delete(room);
    for (const cmd of queue) this.send(cmd);
    // A room that does not exist (its commands were refused, no host opened it) is not kept: a
    // lease renewed for every code a client names would grow Redis and this process without bound.
    if (this.leases.holds(room) && !this.opts.owner.rooms.has(room))
      void this.leases.release(room).catch((e) => this.link.problem(e));
  }

  /** Effects to the gateways: a connection's to its own gateway, a room's to every gateway. */
  private fromOwner(effects: GatewayEffect[]): void {
    const { pid } = this.opts;
    const { here, all, there } = route(effects, pid);
    if (here.length) this.toGateway(here);
    for (const [gateway, list] of there) void this.publish(channel.gateway(gateway), list);
    if (all.length) void this.publish(channel.all, { from: pid, effects: all });
  }

  private async publish(to: string, message: unknown): Promise<void> {
    await this.redis.publish(to, JSON.stringify(message)).catch((e) => this.link.problem(e));
  }
}
