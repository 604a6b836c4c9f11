/**
 * At least once, for what a client waits on. Redis delivers a published message at most once: a
 * join, a buzz or a host's mark (`judge`) published to a room's owner in the instant that process
 * dies is lost: a client would wait for good, and a host console, which shows its mark at once,
 * would show a mark no one gave. The bus keeps each one it forwarded to another process until its
 * answer comes back; one unanswered for a while whose owner no longer listens is sent again, and
 * reaches the process that takes the room over. Only then: an owner that still listens is slow,
 * not gone, and a second join from it would make a second player. Pure: time is passed in.
 */
import type { GatewayEffect, RoomCommand } from "../room/commands.ts";

/** How long a forwarded join or buzz goes unanswered before its owner is checked, in ms. */
export const CHECK_AFTER_MS = 1000;
/** How long one is kept for a live owner that does not answer it, in ms (some commands have no answer). */
export const KEEP_MS = 60_000;

/** A host's mark of a player's answer: sent again, it is given once (the owner refuses a second). */
export type JudgeCommand = Extract<RoomCommand, { type: "host" }> & {
  conn: string;
  action: { type: "judge" };
};

/** The commands a client waits on an answer for. */
export type AwaitedCommand = Extract<RoomCommand, { type: "join" | "buzz" }> | JudgeCommand;

interface Waiting {
  cmd: AwaitedCommand;
  /** The process it was forwarded to. */
  owner: string;
  /** When it was forwarded, and when its owner was last found listening. */
  sentAt: number;
  checkedAt: number;
}

function isJudge(cmd: RoomCommand): cmd is JudgeCommand {
  return cmd.type === "host" && cmd.conn !== null && cmd.action.type === "judge";
}

/** Joins, buzzes and marks forwarded to other processes and not yet answered, by connection. */
export class Redelivery {
  /** A player's connection waits on one command at a time: its join, then its buzz in the open round. */
  private readonly waiting = new Map<string, Waiting>();
  /** A host's connection may wait on a mark for each of several answers: by connection, then player. */
  private readonly marks = new Map<string, Map<string, Waiting>>();

  /** How many commands wait for an answer. */
  get size(): number {
    let marks = 0;
    for (const list of this.marks.values()) marks += list.size;
    return this.waiting.size + marks;
  }

  /** Notes a command forwarded to `owner` at `now`: a join, a buzz or a mark is kept until answered. */
  forwarded(cmd: RoomCommand, owner: string, now: number): void {
    const wait = { owner, sentAt: now, checkedAt: now };
    if (cmd.type === "join" || cmd.type === "buzz") this.waiting.set(cmd.conn, { cmd, ...wait });
    else if (isJudge(cmd)) {
      const list = this.marks.get(cmd.conn) ?? new Map<string, Waiting>();
      list.set(cmd.action.player, { cmd, ...wait });
      this.marks.set(cmd.conn, list);
    }
  }

  /**
   * Forgets what these effects answer: a join's bind, a buzz's verdict, a mark shown in the room's
   * staff view (a mark past the places it lists is kept KEEP_MS: sent again after its owner died,
   * the next owner refuses it as already given), and a refusal or close of the connection.
   */
  answered(effects: readonly GatewayEffect[]): void {
    if (this.waiting.size === 0 && this.marks.size === 0) return;
    for (const e of effects) {
      if (e.type === "publish") {
        if (this.marks.size > 0 && e.audience === "staff" && e.msg.type === "state")
          this.shown(e.room, e.msg.order);
        continue;
      }
      if (!("conn" in e)) continue;
      if (e.type === "error" || e.type === "close") this.marks.delete(e.conn);
      const wait = this.waiting.get(e.conn);
      if (!wait) continue;
      const answers =
        e.type === "error" ||
        e.type === "close" ||
        (wait.cmd.type === "join" ? e.type === "bind" : e.type === "send" && e.msg.type === "verdict");
      if (answers) this.waiting.delete(e.conn);
    }
  }

  /** Forgets the marks a room's staff view shows given. */
  private shown(room: string, order: readonly { id: string; judged?: string }[]): void {
    for (const [conn, list] of this.marks) {
      for (const [player, wait] of list) {
        if (wait.cmd.room === room && order.some((p) => p.id === player && p.judged !== undefined))
          list.delete(player);
      }
      if (list.size === 0) this.marks.delete(conn);
    }
  }

  /** Forgets a command no process heard (the bus sends it on itself). */
  unheard(cmd: RoomCommand): void {
    if (isJudge(cmd)) {
      if (this.marks.get(cmd.conn)?.get(cmd.action.player)?.cmd === cmd) this.forget(cmd);
    } else if ("conn" in cmd && cmd.conn !== null && this.waiting.get(cmd.conn)?.cmd === cmd)
      this.waiting.delete(cmd.conn);
  }

  /** Forgets a connection that left: nobody waits on its answer any more. */
  left(conn: string): void {
    this.waiting.delete(conn);
    this.marks.delete(conn);
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
   * no longer listen, to send again (forgotten here: sending forwards them anew); the others wait
   * for another check.
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
    for (const list of this.marks.values()) yield* list.values();
  }

  private forget(cmd: AwaitedCommand): void {
    if (!isJudge(cmd)) return void this.waiting.delete(cmd.conn);
    const list = this.marks.get(cmd.conn);
    list?.delete(cmd.action.player);
    if (list?.size === 0) this.marks.delete(cmd.conn);
  }
}
