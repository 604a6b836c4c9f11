/**
 * The limit: a bare Bun.serve WebSocket server speaking only the two plain-text protocols, with
 * nothing else (no rooms, names, rate limits, clocks or fairness). Usage:
 *   bun bench/reference/bare_bun.ts --mode greet|buzzer [--host HOST] [--port PORT]
 * greet: NAME → `Hello NAME!`. buzzer: `buzz` → `first place!` for the round's first, else
 * `response time: S.SS seconds slower!` (from the first buzz's arrival); a repeat in the same round
 * gets the same verdict again; `reset` starts a new round and is answered `new round`.
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    mode: { type: "string", default: "greet" },
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "8765" },
    quiet: { type: "boolean" },
  },
});

/** A connection's verdict and the round it belongs to. */
interface Conn {
  round: number;
  verdict: string;
}

let round = 0;
let firstAt = -1;

function buzzer(conn: Conn, msg: string): string {
  if (msg === "reset") {
    round++;
    firstAt = -1;
    return "new round";
  }
  if (msg !== "buzz") return 'error: send "buzz" to buzz';
  if (conn.round !== round) {
    const t = performance.now();
    conn.round = round;
    if (firstAt < 0) {
      firstAt = t;
      conn.verdict = "first place!";
    } else conn.verdict = `response time: ${((t - firstAt) / 1000).toFixed(2)} seconds slower!`;
  }
  return conn.verdict;
}

const greet = values.mode === "greet";
const server = Bun.serve<Conn>({
  hostname: values.host,
  port: Number(values.port),
  fetch: (req, server) =>
    server.upgrade(req, { data: { round: -1, verdict: "" } })
      ? undefined
      : new Response(null, { status: 426 }),
  websocket: {
    message(ws, msg) {
      const text = typeof msg === "string" ? msg : msg.toString();
      ws.send(greet ? `Hello ${text}!` : buzzer(ws.data, text));
    },
  },
});
console.log(`Server started on ws://${values.host}:${server.port}`);
process.on("SIGTERM", () => process.exit(0));
