/**
 * The flood bench's flooder, a worker process (config: FloodConfig, JSON): one client sending
 * `rate` messages a second; every millisecond it writes the messages that came due, in one write.
 * When the server closes it, it reconnects at once; messages that come due meanwhile are owed up to
 * 10 ms' worth, the rest counted as not sent. Answers `start`/`stop` with a FloodWindow, `quit`
 * with a FloodTotal.
 */
import { commands, emit, now, sleep, workerConfig } from "../harness.ts";
import { ownCpuSeconds } from "../procfs.ts";
import { isVerdict, JOIN_REFUSED, RATE_LIMITED } from "../verdicts.ts";
import { connect, textFrame, type WireConn } from "../wire.ts";
import { countsBetween, type FloodTotal, type FloodWindow, noCounts } from "./figures.ts";

/** The flooder's settings. */
export interface FloodConfig {
  url: string;
  rate: number;
  message: string;
}

const config = workerConfig<FloodConfig>();
const { hostname: host, port: portText } = new URL(config.url);
const port = Number(portText);
const frame = textFrame(config.message);
const cap = Math.max(1, Math.ceil(config.rate / 100));
const batch = new Uint8Array(frame.length * cap);
for (let i = 0; i < cap; i++) batch.set(frame, i * frame.length);
const counts = noCounts();
const otherSamples: string[] = [];
const other = (m: string) => {
  if (otherSamples.length < 5) otherSamples.push(m.slice(0, 120));
};
let conn: WireConn | null = null;
let running = true;

const reconnect = async () => {
  if (!running) return;
  const t = now();
  try {
    const c = await connect(host, port, other);
    counts.connects++;
    counts.handshakeMs += now() - t;
    let admitted = false;
    c.onText = (text) => {
      if (isVerdict(text)) {
        // A connection's first verdict: it was admitted as a player in room MAIN.
        if (!admitted) counts.admitted++;
        admitted = true;
        counts.verdicts++;
      } else if (text.includes(JOIN_REFUSED)) counts.joinRefused++;
      else if (text.startsWith(RATE_LIMITED) || text.includes('"code":"RATE_LIMITED"')) counts.rateLimited++;
      else {
        counts.otherReplies++;
        other(text);
      }
    };
    c.onClose = (code) => {
      counts.closes[code] = (counts.closes[code] ?? 0) + 1;
      if (conn === c) conn = null;
      if (running) setTimeout(reconnect, 0);
    };
    conn = c;
  } catch {
    counts.connectFailures++;
    if (running) setTimeout(reconnect, 5);
  }
};

const t0 = now();
let accounted = 0;
let owed = 0;
const ticker = setInterval(() => {
  const due = Math.floor(((now() - t0) * config.rate) / 1000);
  owed += due - accounted;
  accounted = due;
  if (owed > cap) {
    counts.notSent += owed - cap;
    owed = cap;
  }
  const c = conn;
  if (!c?.isOpen || owed === 0) return;
  c.send(batch.subarray(0, owed * frame.length));
  counts.sent += owed;
  owed = 0;
}, 1);
await reconnect();
emit({ ready: true });

let mark = noCounts();
let markCpu = ownCpuSeconds();
await commands(async (cmd) => {
  if (cmd === "start") {
    mark = structuredClone(counts);
    markCpu = ownCpuSeconds();
  } else if (cmd === "stop") {
    const window: FloodWindow = {
      ...countsBetween(mark, counts),
      cpuSec: ownCpuSeconds() - markCpu,
      otherSamples,
    };
    emit(window);
  } else if (cmd === "quit") {
    running = false;
    clearInterval(ticker);
    const total: FloodTotal = { ...structuredClone(counts), seconds: (now() - t0) / 1000 };
    const c = conn as WireConn | null;
    if (c) await Promise.race([c.close(), sleep(1000)]);
    emit({ ...total, otherSamples });
    process.exit(0);
  }
});
