/**
 * The least a fair buzzer pays, on a bare Bun.serve: bare_bun.ts's plain-text buzzer, but every
 * connection's round trip measured with ping frames, every buzz placed at its arrival less half its
 * round trip, and the verdicts sent only when the round's window has closed: when every connection
 * that has not sent `reset` has buzzed, or the longest round trip after the first buzz. Probes as ours
 * does at most (1,000 a second, none while buzzes come). No rooms, names, rate limits, records or
 * journal: a windowed decision and nothing else, to tell what fairness itself costs beside bare Bun.
 * Usage:
 *   bun bench/reference/bare_fair.ts [--mode buzzer] [--host HOST] [--port PORT]
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    mode: { type: "string", default: "buzzer" },
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "8765" },
    quiet: { type: "boolean" },
  },
});
if (values.mode !== "buzzer") throw new Error("bare_fair.ts speaks the buzzer protocol only");

/** The longest round trip compensated, in ms (ours: --max-compensation). */
const CAP = 250;
/** Probes go out every TICK ms, PER_TICK at most (1,000 a second, ours' budget), none within QUIET ms of a buzz. */
const TICK = 100;
const PER_TICK = 100;
const QUIET = 250;

/** A connection: its slot in `conns`, whether it starts rounds, its last round trip (ms), the round of its verdict and the verdict. */
interface Conn {
  slot: number;
  control: boolean;
  rtt: number;
  round: number;
  verdict: string;
}
type Socket = Bun.ServerWebSocket<Conn>;

const conns: Socket[] = [];
/** How many connections start rounds (send `reset`): they never buzz. */
let controls = 0;
let round = 0;
/** This round's buzzes not placed yet: their sockets and press times, in arrival order. */
let pending: Socket[] = [];
let pressedAt: number[] = [];
let placed = 0;
let firstAt = 0;
let lastBuzzAt = Number.NEGATIVE_INFINITY;
let timer: Timer | null = null;
/** The window's length: the longest round trip of any connection as of the last full sweep of probes (ms, capped). */
let reach = CAP;
let cursor = 0;

const payload = new Float64Array(1);
setInterval(() => {
  const now = performance.now();
  if (now - lastBuzzAt < QUIET) return;
  payload[0] = now;
  for (let i = 0; i < PER_TICK && conns.length > 0; i++, cursor++) {
    if (cursor >= conns.length) {
      cursor = 0;
      reach = 0;
      for (const ws of conns) reach = Math.max(reach, Math.min(ws.data.rtt, CAP));
    }
    conns[cursor]?.ping(payload);
  }
}, TICK);

/** Places the pending buzzes by press time and sends their verdicts. */
function close(): void {
  timer = null;
  const order = pending.map((_, i) => i).sort((a, b) => (pressedAt[a] as number) - (pressedAt[b] as number));
  for (const i of order) {
    const ws = pending[i] as Socket;
    const at = pressedAt[i] as number;
    if (placed++ === 0) {
      firstAt = at;
      ws.data.verdict = "first place!";
    } else ws.data.verdict = `response time: ${((at - firstAt) / 1000).toFixed(2)} seconds slower!`;
    ws.send(ws.data.verdict);
  }
  pending = [];
  pressedAt = [];
}

function buzz(ws: Socket, now: number): void {
  const conn = ws.data;
  lastBuzzAt = now;
  if (conn.round === round) {
    // A repeat: the verdict again, or nothing yet while the window is open (it comes then).
    if (conn.verdict) ws.send(conn.verdict);
    return;
  }
  conn.round = round;
  conn.verdict = "";
  pending.push(ws);
  pressedAt.push(now - Math.min(conn.rtt, CAP) / 2);
  // Everyone in: no buzz still to come can be earlier.
  if (placed + pending.length >= conns.length - controls) {
    if (timer) clearTimeout(timer);
    return close();
  }
  timer ??= setTimeout(close, reach);
}

function reset(ws: Socket): void {
  if (!ws.data.control) controls++;
  ws.data.control = true;
  if (timer) clearTimeout(timer);
  close();
  round++;
  placed = 0;
}

const server = Bun.serve<Conn>({
  hostname: values.host,
  port: Number(values.port),
  fetch: (req, server) =>
    server.upgrade(req, { data: { slot: -1, control: false, rtt: CAP, round: -1, verdict: "" } })
      ? undefined
      : new Response(null, { status: 426 }),
  websocket: {
    open(ws) {
      ws.data.slot = conns.push(ws) - 1;
    },
    close(ws) {
      if (ws.data.control) controls--;
      const last = conns.pop() as Socket;
      if (last !== ws) {
        conns[ws.data.slot] = last;
        last.data.slot = ws.data.slot;
      }
    },
    pong(ws, data) {
      if (data.byteLength !== 8) return;
      ws.data.rtt = performance.now() - data.readDoubleLE(0);
    },
    message(ws, msg) {
      const now = performance.now();
      if (msg === "reset") {
        reset(ws);
        return void ws.send("new round");
      }
      if (msg !== "buzz") return void ws.send('error: send "buzz" to buzz');
      buzz(ws, now);
    },
  },
});
console.log(`Server started on ws://${values.host}:${server.port}`);
process.on("SIGTERM", () => process.exit(0));
