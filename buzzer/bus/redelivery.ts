/**
 * At least once, for what a client waits on. Redis delivers a published message at most once: a
 * join or a buzz published to a room's owner in the instant that process dies is lost, and its
 * client would wait for good. The bus keeps each join and buzz it forwarded to another process
 * until its answer comes back; one unanswered for a while whose owner no longer listens is sent
 * again, and reaches the process that takes the room over. Only then: an owner that still listens
 * is slow, not gone, and a second join from it would make a second player. Pure: time is passed in.
 */
import type { GatewayEffect, RoomCommand } from "../room/commands.ts";

/** How long a forwarded join or buzz goes unanswered before its owner is checked, in ms. */
export const CHECK_AFTER_MS = 1000;
/** How long one is kept for a live owner that does not answer it, in ms (some commands have no answer). */
export const KEEP_MS = 60_000;

/** The commands a client waits on an answer for. */
export type AwaitedCommand = Extract<RoomCommand, { type: "join" | "buzz" }>;

interface Waiting {
  cmd: AwaitedCommand;
  /** The process it was forwarded to. */
  owner: string;
  /** When it was forwarded, and when its owner was last found listening. */
  sentAt: number;
  checkedAt: number;
}

/** Joins and buzzes forwarded to other processes and not yet answered, by connection. */
export class Redelivery {
  /** A connection waits on one command at a time: its join, then its buzz in the open round. */
  private readonly waiting = new Map<string, Waiting>();

  /** How many commands wait for an answer. */
  get size(): number {
    return this.waiting.size;
  }

  /** Notes a command forwarded to `owner` at `now`: a join or a buzz is kept until answered. */
  forwarded(cmd: RoomCommand, owner: string, now: number): void {
    if (cmd.type === "join" || cmd.type === "buzz")
      this.waiting.set(cmd.conn, { cmd, owner, sentAt: now, checkedAt: now });
  }

  /** Forgets what these effects answer (a join's bind, a buzz's verdict, a refusal or close) and connections that left. */
  answered(effects: readonly GatewayEffect[]): void {
    if (this.waiting.size === 0) return;
    for (const e of effects) {
      if (!("conn" in e)) continue;
      const wait = this.waiting.get(e.conn);
      if (!wait) continue;
      const answers =
        e.type === "error" ||
        e.type === "close" ||
        (wait.cmd.type === "join" ? e.type === "bind" : e.type === "send" && e.msg.type === "verdict");
      if (answers) this.waiting.delete(e.conn);
    }
  }

  /** Forgets a command no process heard (the bus sends it on itself). */
  unheard(cmd: RoomCommand): void {
    if ("conn" in cmd && cmd.conn !== null && this.waiting.get(cmd.conn)?.cmd === cmd)
      this.waiting.delete(cmd.conn);
  }

  /** Forgets a connection that left: nobody waits on its answer any more. */
  left(conn: string): void {
    this.waiting.delete(conn);
  }

  /**
   * The owners to check at `now`: those of commands unanswered for CHECK_AFTER_MS since sent or
   * last checked. Commands kept KEEP_MS are forgotten.
   */
  due(now: number): Set<string> {
    const owners = new Set<string>();
    for (const [conn, wait] of this.waiting) {
      if (now - wait.sentAt >= KEEP_MS) this.waiting.delete(conn);
      else if (now - wait.checkedAt >= CHECK_AFTER_MS) owners.add(wait.owner);
    }
    return owners;
  }

  /**
   * What the checks found at `now` (owner → whether it still listens): the commands of owners that
   * no longer listen, to send again (forgotten here: sending forwards them anew); the others wait
   * for another check.
   */
  checked(listening: ReadonlyMap<string, boolean>, now: number): AwaitedCommand[] {
    const again: AwaitedCommand[] = [];
    for (const [conn, wait] of this.waiting) {
      const alive = listening.get(wait.owner);
      if (alive === undefined) continue;
      if (alive) wait.checkedAt = now;
      else {
        this.waiting.delete(conn);
        again.push(wait.cmd);
      }
    }
    return again;
  }
}
