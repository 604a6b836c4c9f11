/**
 * Node.js + `ws` speaking the same two plain-text protocols as bench/reference/bare_bun.ts (see
 * there). Usage: node bench/reference/node_ws.mjs --mode greet|buzzer [--host HOST] [--port PORT]
 */
import { parseArgs } from "node:util";
import { WebSocketServer } from "ws";

const { values } = parseArgs({
  options: {
    mode: { type: "string", default: "greet" },
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "8765" },
    quiet: { type: "boolean" },
  },
});

let round = 0;
let firstAt = -1;

/** The buzzer protocol for one connection's state ({ round, verdict }) and one message. */
function buzzer(conn, msg) {
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
// ws's defaults, spelled out: no compression, as Bun's server.
const wss = new WebSocketServer({ host: values.host, port: Number(values.port), perMessageDeflate: false });
wss.on("connection", (ws) => {
  const conn = { round: -1, verdict: "" };
  ws.on("message", (data) => {
    const text = data.toString();
    ws.send(greet ? `Hello ${text}!` : buzzer(conn, text));
  });
});
wss.on("listening", () => console.log(`Server started on ws://${values.host}:${wss.address().port}`));
process.on("SIGTERM", () => process.exit(0));
