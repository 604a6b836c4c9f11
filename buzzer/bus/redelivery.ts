/**
 * At least once, for what a client waits on. Redis delivers a published message at most once: a
 * join, a buzz or a host action published to a room's owner in the instant that process dies is
 * lost: a client would wait for good, and a host console, which shows a mark or an undo at once,
 * would show one no one made. The bus keeps each one it forwarded to another process until its
 * answer comes back; one unanswered for a while whose owner no longer listens is sent again, and
 * reaches the process that takes the room over. Only then: an owner that still listens is slow,
 * not gone, and a second join from it would make a second player. Pure: time is passed in.
 *
 * Host actions are kept only where a second copy changes nothing the first did: a mark, an undo and
 * a forgive (refused as already done, or naming a round the room has left), an open, a lock, a next
 * or a reset naming its round (ignored once the room has left it), and an award with an id (the room
 * remembers the ids it gave, room/awards.ts). Not an open or a lock from an older client that names
 * no round (a late lock would close the next question), nor a next or reset without one, nor an
 * award without an id (a second copy would give the points twice).
 * Their answer is the owner's `handled`, sent once their journal entries are written: a new owner
 * restores them, so a copy it gets after all is refused or ignored as a stale click is.
 */
import type { GatewayEffect, HostMessage, RoomCommand } from "../room/commands.ts";

/** How long a forwarded command goes unanswered before its owner is checked, in ms. */
export const CHECK_AFTER_MS = 1000;
/** How long one is kept for a live owner that does not answer it (the room is gone), in ms. */
export const KEEP_MS = 60_000;
/** Most host actions kept for one connection: past it the oldest goes (sent at most once). */
export const HOST_KEPT = 100;

/** A host action a gateway numbered (`seq`) to hear that it was handled. */
export type HostCommand = Extract<RoomCommand, { type: "host" }> & { conn: string; seq: number };

/** The commands a client waits on an answer for. */
export type AwaitedCommand = Extract<RoomCommand, { type: "join" | "buzz" }> | HostCommand;

interface Waiting<C extends AwaitedCommand = AwaitedCommand> {
  cmd: C;
  /** The process it was forwarded to. */
  owner: string;
  /** When it was forwarded, and when its owner was last found listening. */
  sentAt: number;
  checkedAt: number;
}

/** Whether a second copy of a host action changes nothing the first did (see above). */
export function repeatable(action: HostMessage): boolean {
  switch (action.type) {
    case "judge":
    case "unjudge":
    case "forgive":
      return true;
    case "arm":
    case "lock":
    case "next":
    case "reset":
      return action.round !== undefined;
    case "award":
      return action.id !== undefined;
    default:
      return false;
  }
}

/** Joins, buzzes and host actions forwarded to other processes and not yet answered, by connection. */
export class Redelivery {
  /** A player's connection waits on one command at a time: its join, then its buzz in the open round. */
  private readonly waiting = new Map<string, Waiting>();
  /** A host's connection may wait on several actions: by connection, then `seq`, in the order sent. */
  private readonly hosts = new Map<string, Map<number, Waiting<HostCommand>>>();
  private seq = 0;

  /** How many commands wait for an answer. */
  get size(): number {
    let actions = 0;
    for (const list of this.hosts.values()) actions += list.size;
    return this.waiting.size + actions;
  }

  /**
   * Notes a command forwarded to `owner` at `now`: a join, a buzz or a repeatable host action is
   * kept until answered, and returned (a host action numbered, to be sent so); others, null.
   */
  forwarded(cmd: RoomCommand, owner: string, now: number): AwaitedCommand | null {
    const wait = { owner, sentAt: now, checkedAt: now };
    if (cmd.type === "join" || cmd.type === "buzz") {
      this.waiting.set(cmd.conn, { cmd, ...wait });
      return cmd;
    }
    if (cmd.type !== "host" || cmd.conn === null || !repeatable(cmd.action)) return null;
    // Sent again, it keeps its number: a handled from the owner it first went to still answers it.
    const numbered: HostCommand = { ...cmd, conn: cmd.conn, seq: cmd.seq ?? ++this.seq };
    const list = this.hosts.get(cmd.conn) ?? new Map<number, Waiting<HostCommand>>();
    list.set(numbered.seq, { cmd: numbered, ...wait });
    if (list.size > HOST_KEPT) list.delete(list.keys().next().value as number);
    this.hosts.set(cmd.conn, list);
    return numbered;
  }

  /**
   * Forgets what these effects answer: a join's bind, a buzz's verdict, a host action's handled,
   * and a refusal (of a join or buzz) or close of the connection.
   */
  answered(effects: readonly GatewayEffect[]): void {
    if (this.waiting.size === 0 && this.hosts.size === 0) return;
    for (const e of effects) {
      if (!("conn" in e)) continue;
      if (e.type === "handled") {
        this.forgetHost(e.conn, e.seq);
        continue;
      }
      if (e.type === "close") this.hosts.delete(e.conn);
      const wait = this.waiting.get(e.conn);
      if (!wait) continue;
      const answers =
        e.type === "error" ||
        e.type === "close" ||
        (wait.cmd.type === "join" ? e.type === "bind" : e.type === "send" && e.msg.type === "verdict");
      if (answers) this.waiting.delete(e.conn);
    }
  }

  /**
   * What to send again after no process heard `cmd` (as `forwarded` returned it) at `owner`: gone,
   * so it and the same host's actions still kept for it, in the order sent; nothing if `cmd` is
   * kept no more (sent again already, or answered).
   */
  unheard(cmd: AwaitedCommand, owner: string): AwaitedCommand[] {
    if (cmd.type !== "host") {
      if (this.waiting.get(cmd.conn)?.cmd !== cmd) return [];
      this.waiting.delete(cmd.conn);
      return [cmd];
    }
    const again: AwaitedCommand[] = [];
    for (const wait of this.hosts.get(cmd.conn)?.values() ?? []) {
      if (wait.owner !== owner) continue;
      this.forget(wait.cmd);
      again.push(wait.cmd);
    }
    return again;
  }

  /** Forgets a connection that left: nobody waits on its answer any more. */
  left(conn: string): void {
    this.waiting.delete(conn);
    this.hosts.delete(conn);
  }

  /**
   * The owners to check at `now`: those of commands unanswered for CHECK_AFTER_MS since sent or
   * last checked. Commands kept KEEP_MS are forgotten.
   */
  due(now: number): Set<string> {
    const owners = new Set<string>();
    for (const wait of this.all()) {
      if (now - wait.sentAt >= KEEP_MS) this.forget(wait.cmd);
      else if (now - wait.checkedAt >= CHECK_AFTER_MS) owners.add(wait.owner);
    }
    return owners;
  }

  /**
   * What the checks found at `now` (owner → whether it still listens): the commands of owners that
   * no longer listen, to send again (forgotten here: sending forwards them anew), a host's in the
   * order sent; the others wait for another check.
   */
  checked(listening: ReadonlyMap<string, boolean>, now: number): AwaitedCommand[] {
    const again: AwaitedCommand[] = [];
    for (const wait of this.all()) {
      const alive = listening.get(wait.owner);
      if (alive === undefined) continue;
      if (alive) wait.checkedAt = now;
      else {
        this.forget(wait.cmd);
        again.push(wait.cmd);
      }
    }
    return again;
  }

  /** Every command waiting (a Map may lose entries while it is gone through: forgetting is safe). */
  private *all(): Generator<Waiting> {
    yield* this.waiting.values();
    for (const list of this.hosts.values()) yield* list.values();
  }

  private forget(cmd: AwaitedCommand): void {
    if (cmd.type === "host") this.forgetHost(cmd.conn, cmd.seq);
    else this.waiting.delete(cmd.conn);
  }

  private forgetHost(conn: string, seq: number): void {
    const list = this.hosts.get(conn);
    list?.delete(seq);
    if (list?.size === 0) this.hosts.delete(conn);
  }
}
