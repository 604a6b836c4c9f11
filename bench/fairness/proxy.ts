/**
 * A TCP latency proxy on loopback in front of a WebSocket server. It delays bytes, not messages, so
 * everything on the wire waits as on a real network: WebSocket ping and pong frames too, which a
 * message-level proxy would answer at once and so hide the link from a server that measures with them.
 * Each client names its link in its WebSocket URL's query string (`?up=MS&down=MS&jitter=MS&seed=N`);
 * every chunk is held for that direction's delay plus uniform jitter, in order per direction, as TCP
 * keeps it.
 */
import type { Socket } from "bun";
import { seeded } from "./random.ts";

/** One client's link: one-way delays and jitter in ms. */
export interface LinkSpec {
  up: number;
  down: number;
  jitter: number;
  seed: number;
}

/** One direction of a connection: chunks held until due, then bytes the receiving socket has yet to take. */
interface Lane {
  /** The receiving socket; null until the upstream connection opens. */
  to: Socket<Pair> | null;
  /** Sorted by due time, so no chunk overtakes an earlier one; null marks the sender's close. */
  held: { at: number; bytes: Uint8Array | null }[];
  ready: Uint8Array[];
  closing: boolean;
  timer: Timer | undefined;
}

/** A client's connection and its upstream one, both sockets' data. */
interface Pair {
  spec: LinkSpec;
  rand: () => number;
  /** The client's bytes until its request line is complete (the link is unknown until then); then null. */
  head: Buffer | null;
  up: Lane;
  down: Lane;
}

/** The query string that asks the proxy for a link. */
export function linkQuery(spec: LinkSpec): string {
  return `?up=${spec.up}&down=${spec.down}&jitter=${spec.jitter}&seed=${spec.seed}`;
}

/** The link a request line such as `GET /?up=100&down=100 HTTP/1.1` asks for; missing values are 0 (seed 1). */
function parseLink(requestLine: string): LinkSpec {
  const q = new URL(requestLine.split(" ")[1] ?? "/", "http://proxy").searchParams;
  return {
    up: Number(q.get("up") ?? 0),
    down: Number(q.get("down") ?? 0),
    jitter: Number(q.get("jitter") ?? 0),
    seed: Number(q.get("seed") ?? 1),
  };
}

function lane(to: Socket<Pair> | null): Lane {
  return { to, held: [], ready: [], closing: false, timer: undefined };
}

/** Writes what the socket takes; the rest waits for its `drain`. Ends the socket once all is written after a close. */
function flush(lane: Lane) {
  if (!lane.to) return;
  while (lane.ready.length > 0) {
    const chunk = lane.ready[0] as Uint8Array;
    const written = lane.to.write(chunk);
    // -1: the socket is closed, and its own close handler passes that on.
    if (written < 0) lane.ready = [];
    else if (written < chunk.byteLength) {
      lane.ready[0] = chunk.subarray(written);
      return;
    } else lane.ready.shift();
  }
  if (lane.closing) lane.to.end();
}

/** Moves every due chunk to the ready queue and arms one timer for the next. */
function pump(lane: Lane) {
  lane.timer = undefined;
  const now = performance.now();
  while (lane.held[0] && lane.held[0].at <= now) {
    const { bytes } = lane.held.shift() as { bytes: Uint8Array | null };
    if (bytes) lane.ready.push(bytes);
    else lane.closing = true;
  }
  flush(lane);
  if (lane.held[0]) lane.timer = setTimeout(() => pump(lane), lane.held[0].at - now);
}

/** Holds a chunk (or the sender's close, null) for this direction's delay plus jitter, never before the one ahead. */
function hold(pair: Pair, dir: "up" | "down", bytes: Uint8Array | null) {
  const lane = pair[dir];
  const now = performance.now();
  const delay = Math.max(0, pair.spec[dir] + (pair.rand() * 2 - 1) * pair.spec.jitter);
  const at = Math.max(lane.held.at(-1)?.at ?? 0, now + delay);
  lane.held.push({ at, bytes });
  lane.timer ??= setTimeout(() => pump(lane), at - now);
}

/** Starts a proxy in front of the ws:// URL `target`; returns its ws:// URL and a stop function. */
export function startProxy(target: string) {
  const { hostname, port } = new URL(target);
  const listener = Bun.listen<Pair>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(client) {
        const spec = parseLink("");
        const pair: Pair = {
          spec,
          rand: seeded(spec.seed),
          head: Buffer.alloc(0),
          up: lane(null),
          down: lane(client),
        };
        client.data = pair;
        Bun.connect<Pair>({
          hostname,
          port: Number(port || 80),
          data: pair,
          socket: {
            open(upstream) {
              pair.up.to = upstream;
              flush(pair.up);
            },
            // Copied: Bun may reuse the buffer once this callback returns.
            data: (_upstream, bytes) => hold(pair, "down", new Uint8Array(bytes)),
            drain: () => flush(pair.up),
            close: () => hold(pair, "down", null),
            connectError: () => {
              client.end();
            },
          },
        });
      },
      data(client, bytes) {
        const pair = client.data;
        if (!pair.head) return hold(pair, "up", new Uint8Array(bytes));
        // The link is chosen by the request line, so nothing is sent on until it is complete.
        pair.head = Buffer.concat([pair.head, bytes]);
        const eol = pair.head.indexOf("\r\n");
        if (eol < 0) return;
        pair.spec = parseLink(pair.head.subarray(0, eol).toString("latin1"));
        pair.rand = seeded(pair.spec.seed);
        hold(pair, "up", pair.head);
        pair.head = null;
      },
      drain: (client) => flush(client.data.down),
      close: (client) => hold(client.data, "up", null),
    },
  });
  // Open links close after their delays, as a network delivers a close.
  return { url: `ws://127.0.0.1:${listener.port}`, stop: () => listener.stop(true) };
}
