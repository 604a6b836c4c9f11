/**
 * The leanest fair buzzer we could write, on a bare Bun.serve: bare_bun.ts's plain-text buzzer, but
 * each connection's round trip measured with ping frames, each buzz placed at its arrival less half
 * its round trip, and a buzz's verdict sent once no buzz still to come can have been pressed before
 * it. No rooms, names, rate limits, records or journal: what ordering by press time costs by itself,
 * beside bare Bun, which answers each buzz as it reads it. Usage:
 *   bun bench/reference/bare_fair.ts [--host HOST] [--port PORT]
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    mode: { type: "string", default: "buzzer" },
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "8765" },
  },
});
if (values.mode !== "buzzer") throw new Error("bare_fair.ts speaks the buzzer protocol only");

/** The longest round trip compensated, in ms (ours: --max-compensation). */
const CAP = 250;
/** Steady probes: every TICK ms, the next PER_TICK connections (200 a second, ours' steady share). */
const TICK = 100;
const PER_TICK = 20;
/** No steady probe within QUIET ms of a buzz: a burst is decided first, measured after (as ours). */
const QUIET = 250;

/** A connection's state: its slot in `conns`, its last round trip (ms, NaN until measured), and its verdict. */
interface Conn {
  slot: number;
  /** It sent `reset`: it starts rounds and is not waited for. */
  control: boolean;
  rtt: number;
  round: number;
  verdict: string;
}
type Socket = Bun.ServerWebSocket<Conn>;

const conns: Socket[] = [];
let controls = 0;
let round = 0;
/** Connections that have buzzed in this round and are still open. */
let buzzed = 0;
/** This round's buzzes not placed yet, with their press times. */
let pending: { ws: Socket; at: number }[] = [];
let placed = 0;
let firstAt = 0;
let lastBuzzAt = Number.NEGATIVE_INFINITY;
let timer: Timer | null = null;
/** The window's reach: the longest round trip of any connection (capped; an unmeasured one counts as the cap). */
let reach = CAP;
let cursor = 0;

const payload = new Float64Array(1);
/** Sends a ping frame carrying its send time. */
function ping(ws: Socket): void {
  payload[0] = performance.now();
  ws.ping(payload);
}

setInterval(() => {
  if (performance.now() - lastBuzzAt < QUIET) return;
  for (let i = 0; i < Math.min(PER_TICK, conns.length); i++, cursor++) {
    if (cursor >= conns.length) cursor = 0;
    ping(conns[cursor] as Socket);
  }
}, TICK);

/** Places, in press order, every pending buzz no buzz still to come can precede; sends their verdicts. */
function decide(): void {
  timer = null;
  // A buzz still to come arrives after now, less at most half the reach: no earlier press than that.
  const final = buzzed >= conns.length - controls ? Number.POSITIVE_INFINITY : performance.now() - reach / 2;
  pending.sort((a, b) => a.at - b.at);
  let n = 0;
  for (; n < pending.length && (pending[n] as { at: number }).at <= final; n++) {
    const { ws, at } = pending[n] as { ws: Socket; at: number };
    if (placed++ === 0) {
      firstAt = at;
      ws.data.verdict = "first place!";
    } else ws.data.verdict = `response time: ${((at - firstAt) / 1000).toFixed(2)} seconds slower!`;
    ws.send(ws.data.verdict);
  }
  pending = pending.slice(n);
  const next = pending[0];
  if (next) timer = setTimeout(decide, Math.max(0, next.at + reach / 2 - performance.now()));
}

function buzz(ws: Socket, now: number): void {
  const conn = ws.data;
  lastBuzzAt = now;
  if (conn.round === round) {
    // A repeat: the verdict again, or nothing while it waits (it comes then).
    if (conn.verdict) ws.send(conn.verdict);
    return;
  }
  conn.round = round;
  conn.verdict = "";
  buzzed++;
  pending.push({ ws, at: now - (Number.isNaN(conn.rtt) ? 0 : Math.min(conn.rtt, CAP) / 2) });
  if (buzzed >= conns.length - controls) {
    if (timer) clearTimeout(timer);
    decide();
  } else timer ??= setTimeout(decide, reach / 2);
}

function reset(ws: Socket): void {
  if (!ws.data.control) controls++;
  ws.data.control = true;
  if (timer) clearTimeout(timer);
  pending = [];
  // Measured afresh for each round, from what the links last measured.
  reach = 0;
  for (const c of conns)
    if (!c.data.control) reach = Math.max(reach, Number.isNaN(c.data.rtt) ? CAP : c.data.rtt);
  round++;
  buzzed = 0;
  placed = 0;
}

const server = Bun.serve<Conn>({
  hostname: values.host,
  port: Number(values.port),
  fetch: (req, server) =>
    server.upgrade(req, { data: { slot: -1, control: false, rtt: Number.NaN, round: -1, verdict: "" } })
      ? undefined
      : new Response(null, { status: 426 }),
  websocket: {
    open(ws) {
      ws.data.slot = conns.push(ws) - 1;
      // Measured from the start, so that its first buzz is placed by its press time.
      ping(ws);
    },
    close(ws) {
      const conn = ws.data;
      if (conn.control) controls--;
      if (conn.round === round) buzzed--;
      pending = pending.filter((p) => p.ws !== ws);
      const last = conns.pop() as Socket;
      if (last !== ws) {
        conns[conn.slot] = last;
        last.data.slot = conn.slot;
      }
    },
    pong(ws, data) {
      if (data.byteLength !== 8) return;
      const rtt = Math.min(performance.now() - data.readDoubleLE(0), CAP);
      ws.data.rtt = rtt;
      // A link slower than the reach widens it at once; a faster one narrows it at the next round.
      reach = Math.max(reach, rtt);
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
