/**
 * A reconnecting JSON session with the buzzer server. Portable on purpose (the standard WebSocket,
 * timers and performance.now() only, no Bun, node:* or process) so the web pages can reuse it.
 */
import { Close } from "../lib/close.ts";
import { encode, parseServer } from "./parse.ts";
import { LostPresses, type PressFate } from "./press_fate.ts";
import type { ClientMessage, ErrorCode, RoomView, ServerMessage } from "./protocol.ts";
import { applyDelta, applyScore } from "./view.ts";

/** Close codes after which retrying cannot help: kicked, resumed elsewhere, refused by policy. */
const FINAL_CLOSES: readonly number[] = [Close.KICKED, Close.REPLACED, Close.POLICY];

/** Join refusals that can clear up by themselves (a host opens the room later): joined again later. */
export const TRANSIENT_JOIN_ERRORS: ReadonlySet<ErrorCode> = new Set([
  "NO_SUCH_ROOM",
  "RATE_LIMITED",
  "TOO_MANY_ROOMS",
  "UNAVAILABLE",
]);

/**
 * Where a session stands. A retry says why: the server could not be reached, a joined connection
 * was lost, or the join was refused for now.
 */
export type SessionStatus =
  | { state: "connecting" }
  | { state: "connected" }
  | { state: "retrying"; delay: number; why: "unreachable" | "lost" | "refused" }
  | { state: "gave up"; code: number; reason: string };

/** What a session needs: where to connect, how to join, and where its news goes. */
export interface SessionOptions {
  url: string;
  /**
   * Sent on every (re)connect; `watch` joins as a viewer (a projector) instead of a player; `team`
   * is the team a new player joins (a resumed player keeps its own).
   */
  join?: { name?: string; room?: string; secret?: string; watch?: boolean; team?: string };
  /** A resume token kept from an earlier session: the first join resumes that player. */
  token?: string;
  /**
   * Every message from the server, pings included (they are already answered). A player's deltas
   * and `score` messages come as the `state` they lead to: every front end sees whole views of its
   * room, its own score in `you`. A verdict or a buzz's refusal comes with `answers`: the round
   * the press it answers was made in (the oldest unanswered; null if none is known).
   */
  onMessage: (msg: ServerMessage, answers?: number | null) => void;
  onStatus: (status: SessionStatus) => void;
  /**
   * Once after a rejoin whose lost connection took a press's answer with it: whether the room
   * recorded the press, after the snapshot that says so went to onMessage (a verdict may follow).
   */
  onPressFate?: (fate: PressFate) => void;
  /** First retry delay and the cap it doubles up to, in ms. */
  backoff?: { first: number; max: number };
  /** Reconnect when nothing arrives for this long, in ms (a quiet room's players get an `alive` every 3 s); 0: never. */
  silence?: number;
}

const BACKOFF = { first: 250, max: 5000 };
/** Spread of retry delays (up to 20% shorter), so clients dropped together do not all return together. */
const JITTER = 0.2;

/**
 * How long the retry after `attempt` earlier ones waits, in ms: doubling from `first` up to `max`,
 * each spread below its step (never past `max`, which the client's words promise).
 */
export function retryDelay(attempt: number, backoff = BACKOFF, random = Math.random): number {
  const step = Math.min(backoff.max, backoff.first * 2 ** attempt);
  return Math.round(step * (1 - JITTER * random()));
}
/** How long close() waits for the server to acknowledge, in ms. */
const CLOSE_WAIT = 1000;

/** A joined connection that comes back by itself, with the same identity, after a drop. */
export class Session {
  private ws: WebSocket | null = null;
  private token: string | undefined;
  private joined = false;
  /** Until start(), and after close() or giving up. */
  private stopped = true;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private silenceTimer: ReturnType<typeof setTimeout> | undefined;
  /** Messages given while not joined, sent in order after the next welcome. */
  private readonly queue: ClientMessage[] = [];
  /** The room as last seen: a snapshot and the deltas since (null until the first snapshot). */
  private view: RoomView | null = null;
  /** The player id of the last welcome. */
  private id = "";
  private readonly presses = new LostPresses();

  constructor(private readonly opts: SessionOptions) {
    this.token = opts.token;
  }

  /** Whether the server has accepted our join on the current connection. */
  get isJoined(): boolean {
    return this.joined;
  }

  /** How many messages wait for the next join. */
  get queued(): number {
    return this.queue.length;
  }

  /** Connects and joins; from then on reconnects by itself until closed or refused for good. */
  start(): void {
    this.stopped = false;
    this.open();
  }

  /** Buzzes with the press time the caller took at the key event (performance.now()). */
  buzz(at: number): void {
    this.send({ type: "buzz", at });
  }

  /** Sends a message now if joined, else keeps it for the next join. */
  send(msg: ClientMessage): void {
    if (!this.sendNow(msg)) this.queue.push(msg);
  }

  /** Sends a message only if joined right now, keeping nothing for later; returns whether it went out. */
  sendNow(msg: ClientMessage): boolean {
    if (!this.joined || this.ws?.readyState !== WebSocket.OPEN) return false;
    this.put(this.ws, msg);
    return true;
  }

  /** Sends on `ws`, following a buzz until its answer: a new press makes a lost one's fate no news. */
  private put(ws: WebSocket, msg: ClientMessage): void {
    ws.send(encode(msg));
    if (msg.type === "buzz") this.presses.sent(this.view, this.id);
  }

  /**
   * Connects at once, with the backoff reset, if waiting to retry: for when the caller knows the
   * network is back (a browser's `online` event, a page becoming visible). Otherwise does nothing.
   */
  reconnectNow(): void {
    if (this.stopped || this.ws) return;
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    this.open();
  }

  /**
   * Drops the connection now and waits to retry, as after any lost link: for when the caller knows
   * the network is gone (a browser's `offline` event), so the player is told at once rather than after
   * the silence, and a press is not sent into a socket that may deliver it long after the moment.
   */
  dropNow(): void {
    const ws = this.ws;
    if (this.stopped || !ws) return;
    this.retry("lost");
    ws.close(Close.NORMAL);
  }

  /**
   * Closes with 1000 and stops retrying; nothing is reported after this, not even messages already
   * on their way. Resolves once the socket has closed (or after 1 s).
   */
  close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.silenceTimer);
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, CLOSE_WAIT);
      ws.addEventListener("close", () => {
        clearTimeout(timer);
        resolve();
      });
      ws.close(Close.NORMAL);
    });
  }

  private open(): void {
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.opts.url);
    } catch {
      // A URL the platform refuses outright (a browser's mixed-content rule, say): retried like any failure.
      return this.retry("unreachable");
    }
    let opened = false;
    this.ws = ws;
    this.opts.onStatus({ state: "connecting" });
    ws.addEventListener("open", () => {
      opened = true;
      this.heard(ws);
      const { name, room, secret, watch, team } = this.opts.join ?? {};
      // The token from an earlier welcome makes this a resume: same player, same place.
      ws.send(encode({ type: "join", name, room, token: this.token, secret, watch, team }));
    });
    ws.addEventListener("message", (event) => {
      if (ws === this.ws && !this.stopped) this.receive(ws, String(event.data));
    });
    ws.addEventListener("close", (event) => {
      if (ws !== this.ws) return;
      if (FINAL_CLOSES.includes(event.code)) return this.giveUp(event.code, event.reason);
      this.retry(opened ? "lost" : "unreachable");
    });
  }

  /** Applies a delta to the view; a missed one asks the server for a fresh snapshot. */
  private delta(ws: WebSocket, delta: Extract<ServerMessage, { type: "delta" }>): void {
    if (!this.view) return;
    const next = applyDelta(this.view, delta);
    if (next === null) return ws.send(encode({ type: "sync" }));
    if (next === this.view) return;
    this.view = next;
    this.opts.onMessage({ type: "state", ...next });
  }

  private receive(ws: WebSocket, text: string): void {
    this.heard(ws);
    const msg = parseServer(text);
    if (!msg) return;
    // Answered before anything else: the server measures our clock by how fast this comes back.
    if (msg.type === "ping") ws.send(encode({ type: "pong", id: msg.id, t: performance.now() }));
    if (msg.type === "delta") return this.delta(ws, msg);
    if (msg.type === "score" && this.view) {
      this.view = applyScore(this.view, msg);
      return this.opts.onMessage({ type: "state", ...this.view });
    }
    if (msg.type === "state") this.view = msg;
    const answers = this.presses.heard(msg, this.joined);
    // A lockout is told in an error, not a delta: the view keeps it, so a later snapshot that says
    // otherwise (the host forgave the false start) is seen as the change it is.
    if (msg.type === "error" && (msg.code === "FALSE_START" || msg.code === "LOCKED_OUT") && this.view) {
      const { falseStart } = msg;
      this.view = { ...this.view, lockedOut: true, ...(falseStart && { falseStart }) };
    }
    this.opts.onMessage(msg, answers);
    // The caller may have closed the session on this message: then nothing more comes of it.
    if (this.stopped || ws !== this.ws) return;
    const fate = msg.type === "state" && this.joined ? this.presses.fate(this.id, msg) : null;
    if (fate) {
      this.opts.onPressFate?.(fate);
      if (this.stopped || ws !== this.ws) return;
    }
    if (msg.type === "error" && !this.joined && TRANSIENT_JOIN_ERRORS.has(msg.code)) {
      ws.close(Close.NORMAL);
      // No sooner than the server said a retry may pass (`retryIn`, after too many wrong secrets).
      return this.retry("refused", (msg.retryIn ?? 0) * 1000);
    }
    if (msg.type !== "welcome") return;
    if (msg.token) this.token = msg.token;
    this.id = msg.id;
    this.joined = true;
    this.attempt = 0;
    for (const queued of this.queue.splice(0)) this.put(ws, queued);
    this.opts.onStatus({ state: "connected" });
  }

  /** Drops the current socket (its late events are ignored) and connects again after a backoff, `atLeast` ms. */
  private retry(why: "unreachable" | "lost" | "refused", atLeast = 0): void {
    this.forget();
    if (this.stopped) return;
    const delay = Math.max(atLeast, retryDelay(this.attempt++, this.opts.backoff));
    this.opts.onStatus({ state: "retrying", delay, why });
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  private giveUp(code: number, reason: string): void {
    this.forget();
    if (this.stopped) return;
    this.stopped = true;
    this.opts.onStatus({ state: "gave up", code, reason });
  }

  private forget(): void {
    this.ws = null;
    this.joined = false;
    this.presses.dropped();
    clearTimeout(this.silenceTimer);
  }

  /** Restarts the silence timer: a connection that stays quiet too long is taken for dead. */
  private heard(ws: WebSocket): void {
    if (!this.opts.silence) return;
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => {
      if (ws !== this.ws) return;
      // A dead link never completes the closing handshake, so we do not wait for one.
      ws.close(Close.NORMAL);
      this.retry("lost");
    }, this.opts.silence);
  }
}
