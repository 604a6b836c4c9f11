import { encode, parseServer } from "../../buzzer/parse.ts";
import type { ClientMessage, RoomView, ServerMessage } from "../../buzzer/protocol.ts";
import { applyDelta } from "../../buzzer/view.ts";

type Of<T extends ServerMessage["type"]> = Extract<ServerMessage, { type: T }>;

/**
 * A scripted JSON buzzer client for tests: records what it receives and answers clock probes.
 * Players receive deltas: the peer applies them as every client does (buzzer/view.ts) and records
 * the view it then holds as a `state`, so a test reads a room the same way for players and hosts.
 */
export class Peer {
  readonly ws: WebSocket;
  readonly received: (ServerMessage | string)[] = [];
  /** The room as this peer holds it, from its last snapshot and the deltas since. */
  view: RoomView | null = null;
  readonly opened: Promise<void>;
  readonly closed: Promise<CloseEvent>;
  private waiters = new Set<() => void>();

  constructor(url: string, options: { answerProbes?: boolean; probeDelay?: number } = {}) {
    this.ws = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.ws.addEventListener("open", () => resolve());
      this.ws.addEventListener("error", () => reject(new Error(`cannot connect to ${url}`)));
    });
    this.closed = new Promise((resolve) => this.ws.addEventListener("close", resolve));
    this.ws.addEventListener("message", (event) => {
      const text = String(event.data);
      const msg = parseServer(text);
      if (msg?.type === "ping" && options.answerProbes !== false) {
        // A delayed answer makes this peer look like a player on a slow link.
        const answer = () => this.send({ type: "pong", id: msg.id, t: performance.now() });
        if (options.probeDelay) setTimeout(answer, options.probeDelay);
        else answer();
        return;
      }
      this.received.push(msg ?? text);
      if (msg?.type === "state") this.view = msg;
      if (msg?.type === "delta" && this.view) {
        const next = applyDelta(this.view, msg);
        if (next === null) this.send({ type: "sync" });
        else if (next !== this.view) {
          this.view = next;
          this.received.push({ type: "state", ...next });
        }
      }
      for (const w of this.waiters) w();
    });
  }

  /** Opens a peer and joins a room with the given join fields; resolves with the welcome. */
  static async join(url: string, join: Omit<Extract<ClientMessage, { type: "join" }>, "type"> = {}) {
    const peer = new Peer(url);
    await peer.opened;
    peer.send({ type: "join", ...join });
    const welcome = await peer.next("welcome");
    return { peer, welcome };
  }

  /** Joins `count` players named P1, P2… to a room, fifty at a time; resolves with them in that order. */
  static async crowd(url: string, room: string, count: number): Promise<Peer[]> {
    const peers: Peer[] = [];
    for (let batch = 0; batch < count; batch += 50) {
      const names = Array.from({ length: Math.min(50, count - batch) }, (_, i) => `P${batch + i + 1}`);
      const joined = await Promise.all(names.map((name) => Peer.join(url, { name, room })));
      peers.push(...joined.map((j) => j.peer));
    }
    return peers;
  }

  send(msg: ClientMessage | Record<string, unknown>): void {
    this.ws.send(encode(msg as ClientMessage));
  }

  /** Resolves with the first received message (after `from`) of a type that passes `test`. */
  next<T extends ServerMessage["type"]>(
    type: T,
    test: (msg: Of<T>) => boolean = () => true,
    ms = 3000,
  ): Promise<Of<T>> {
    let from = 0;
    return new Promise((resolve, reject) => {
      const check = () => {
        for (; from < this.received.length; from++) {
          const msg = this.received[from];
          if (typeof msg === "object" && msg.type === type && test(msg as Of<T>)) {
            this.received.splice(from, 1);
            this.waiters.delete(check);
            clearTimeout(timer);
            resolve(msg as Of<T>);
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no ${type} within ${ms} ms; got ${JSON.stringify(this.received)}`));
      }, ms);
      this.waiters.add(check);
      check();
    });
  }

  /** Resolves with the next plain-text frame. */
  text(ms = 3000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const i = this.received.findIndex((m) => typeof m === "string");
        if (i >= 0) {
          this.waiters.delete(check);
          clearTimeout(timer);
          resolve(this.received.splice(i, 1)[0] as string);
        }
      };
      const timer = setTimeout(() => reject(new Error(`no text within ${ms} ms`)), ms);
      this.waiters.add(check);
      check();
    });
  }

  close(): void {
    this.ws.close(1000);
  }
}
