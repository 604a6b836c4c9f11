/**
 * The pages' connection to the buzzer: connect, join (again on every reconnect, with the latest
 * resume token), answer clock probes at once, reconnect with backoff, and report status.
 */
import { type ClientMessage, encode, parseServer, type ServerMessage } from "../protocol.ts";

export type JoinMessage = Extract<ClientMessage, { type: "join" }>;

/** Where the link stands: dialling or joining, joined, waiting to retry, or given up for good. */
export type LinkStatus = "connecting" | "online" | "reconnecting" | "closed";

export interface LinkOptions {
  /** The join message to send on each (re)connect: read anew so a fresh token is used. */
  join: () => JoinMessage;
  onMessage: (msg: ServerMessage) => void;
  onStatus: (status: LinkStatus, reason?: string) => void;
  /** Server URL; by default this page's own origin (`ws(s)://host/`). */
  url?: string;
  /** Reconnect when nothing arrives for this long (players get a clock probe every 2 s); 0: never. */
  silence?: number;
}

/** Close codes after which reconnecting would only repeat the same refusal. */
const FINAL: Record<number, string> = {
  1008: "refused by the server",
  4001: "removed by the host",
  4004: "this player continued on another tab or device",
};

/** Join errors that can clear up by themselves: retry with backoff instead of giving up. */
const TRANSIENT = new Set(["NO_SUCH_ROOM", "RATE_LIMITED", "TOO_MANY_ROOMS"]);

/** The page's own origin as a WebSocket URL. */
export function pageSocketUrl(loc: Location = location): string {
  return `${loc.protocol === "https:" ? "wss" : "ws"}://${loc.host}/`;
}

/** A self-healing connection to the buzzer. */
export class Link {
  private ws: WebSocket | null = null;
  private status: LinkStatus = "connecting";
  private attempt = 0;
  private retryTimer = 0;
  private silenceTimer = 0;
  private stopped = false;
  private readonly url: string;

  constructor(private readonly opts: LinkOptions) {
    this.url = opts.url ?? pageSocketUrl();
    addEventListener("online", () => this.retryNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.retryNow();
    });
    // Deferred, so status callbacks never run before the constructor has returned.
    queueMicrotask(() => this.connect());
  }

  /** Whether the link has joined and messages can be sent. */
  get online(): boolean {
    return this.status === "online";
  }

  /** Sends a message if joined; returns whether it went out. */
  send(msg: ClientMessage): boolean {
    if (!this.online || this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(encode(msg));
    return true;
  }

  /** Sends a buzz with the press time on the performance.now() clock (an event's timeStamp). */
  buzz(at: number): boolean {
    return this.send({ type: "buzz", at });
  }

  /** Closes for good: no more reconnects. */
  close(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.silenceTimer);
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000);
    this.setStatus("closed");
  }

  private setStatus(status: LinkStatus, reason?: string): void {
    this.status = status;
    this.opts.onStatus(status, reason);
  }

  private connect(): void {
    if (this.stopped) return;
    this.setStatus(this.attempt === 0 ? "connecting" : "reconnecting");
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch {
      return this.scheduleRetry();
    }
    this.ws = ws;
    ws.addEventListener("open", () => {
      if (this.ws !== ws) return;
      ws.send(encode(this.opts.join()));
      this.heard();
    });
    ws.addEventListener("message", (event) => {
      if (this.ws !== ws) return;
      this.heard();
      const msg = parseServer(String(event.data));
      if (!msg) return;
      // Answered before anything else: the probe measures this client's clock, not its rendering.
      if (msg.type === "ping")
        return void ws.send(encode({ type: "pong", id: msg.id, t: performance.now() }));
      if (msg.type === "welcome") {
        this.attempt = 0;
        this.setStatus("online");
      }
      if (msg.type === "error" && this.status !== "online" && TRANSIENT.has(msg.code)) {
        this.opts.onMessage(msg);
        return this.drop(ws);
      }
      this.opts.onMessage(msg);
    });
    ws.addEventListener("close", (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      clearTimeout(this.silenceTimer);
      const final = FINAL[event.code];
      if (final) {
        this.stopped = true;
        return this.setStatus("closed", final);
      }
      this.scheduleRetry();
    });
  }

  /** Abandons a socket and retries later. */
  private drop(ws: WebSocket): void {
    this.ws = null;
    clearTimeout(this.silenceTimer);
    ws.close(1000);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    this.setStatus("reconnecting");
    clearTimeout(this.retryTimer);
    // 250 ms, 500 ms, 1 s, 2 s … up to 5 s, with jitter so a restarted server is not stampeded.
    const base = Math.min(5000, 250 * 2 ** this.attempt);
    this.attempt++;
    this.retryTimer = window.setTimeout(() => this.connect(), base * (0.75 + Math.random() * 0.5));
  }

  /** Reconnects at once if waiting to retry (the network came back, the page became visible). */
  private retryNow(): void {
    if (this.stopped || this.ws) return;
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    this.connect();
  }

  private heard(): void {
    const silence = this.opts.silence ?? 0;
    if (!silence) return;
    clearTimeout(this.silenceTimer);
    const ws = this.ws;
    this.silenceTimer = window.setTimeout(() => {
      if (ws && this.ws === ws) this.drop(ws);
    }, silence);
  }
}
