/**
 * A WebSocket latency proxy on loopback: each client names its link in the query string
 * (`?up=MS&down=MS&jitter=MS&seed=N`) and every message is held for that direction's delay plus
 * uniform jitter. Order is kept per direction, as TCP keeps it.
 */
import { seeded } from "./random.ts";

/** One client's link: one-way delays and jitter in ms. */
export interface LinkSpec {
  up: number;
  down: number;
  jitter: number;
  seed: number;
}

interface Pipe {
  spec: LinkSpec;
  rand: () => number;
  upstream: WebSocket | null;
  waiting: string[];
  next: { up: number; down: number };
}

/** The query string that asks the proxy for a link. */
export function linkQuery(spec: LinkSpec): string {
  return `?up=${spec.up}&down=${spec.down}&jitter=${spec.jitter}&seed=${spec.seed}`;
}

/** Starts a proxy in front of `target`; returns its ws:// URL and a stop function. */
export function startProxy(target: string) {
  const hold = (pipe: Pipe, dir: "up" | "down", deliver: () => void) => {
    const delay = Math.max(0, pipe.spec[dir] + (pipe.rand() * 2 - 1) * pipe.spec.jitter);
    const now = performance.now();
    const at = Math.max(pipe.next[dir], now + delay);
    pipe.next[dir] = at;
    setTimeout(deliver, at - now);
  };
  const server = Bun.serve<Pipe>({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req, server) {
      const q = new URL(req.url).searchParams;
      const spec = {
        up: Number(q.get("up") ?? 0),
        down: Number(q.get("down") ?? 0),
        jitter: Number(q.get("jitter") ?? 0),
        seed: Number(q.get("seed") ?? 1),
      };
      const data: Pipe = {
        spec,
        rand: seeded(spec.seed),
        upstream: null,
        waiting: [],
        next: { up: 0, down: 0 },
      };
      return server.upgrade(req, { data }) ? undefined : new Response("WebSocket only", { status: 426 });
    },
    websocket: {
      open(ws) {
        const upstream = new WebSocket(target);
        ws.data.upstream = upstream;
        upstream.onopen = () => {
          for (const m of ws.data.waiting.splice(0)) upstream.send(m);
        };
        upstream.onmessage = (e) => hold(ws.data, "down", () => ws.send(String(e.data)));
        upstream.onclose = (e) => ws.close(e.code === 1005 ? 1000 : e.code, e.reason);
      },
      message(ws, msg) {
        hold(ws.data, "up", () => {
          const upstream = ws.data.upstream;
          if (upstream?.readyState === WebSocket.OPEN) upstream.send(String(msg));
          else ws.data.waiting.push(String(msg));
        });
      },
      close(ws) {
        ws.data.upstream?.close();
      },
    },
  });
  return { url: `ws://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}
