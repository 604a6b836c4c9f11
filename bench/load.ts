/**
 * The load generator: one scenario against one server, every reply checked, one JSON line out
 * (bench/load_result.ts). The bench runner spawns it pinned to its own core; see bench/README.md.
 */
import { fail } from "../lib/fail.ts";
import { parseOptions, urlOption } from "../lib/options.ts";
import { numbers } from "./harness.ts";
import { burst, verdict } from "./load/buzzer.ts";
import { cycle, greet } from "./load/greeting.ts";
import { idle } from "./load/idle.ts";
import { room } from "./load/room.ts";
import { Session } from "./load/session.ts";
import { SCENARIOS, type Scenario } from "./load_result.ts";

/** Per-scenario defaults: connections, measured seconds, warm-up seconds. */
const DEFAULTS: Record<Scenario, { conns: number; seconds: number; warmup: number }> = {
  greet: { conns: 64, seconds: 2, warmup: 0.5 },
  cycle: { conns: 32, seconds: 2, warmup: 0.5 },
  verdict: { conns: 1000, seconds: 2, warmup: 1 },
  burst: { conns: 1000, seconds: 0, warmup: 0 },
  idle: { conns: 10_000, seconds: 0, warmup: 0 },
  room: { conns: 1000, seconds: 0, warmup: 0 },
};

const program = "bench/load.ts";
const { values } = parseOptions(program, "One load scenario against one server; prints one JSON line.", {
  scenario: { type: "string", value: "S", help: SCENARIOS.join(" | ") },
  url: { type: "string", value: "URL", help: "the server, ws://HOST:PORT" },
  conns: {
    type: "string",
    value: "N",
    help: "connections (greet 64, cycle 32 loops, verdict 1000, burst 1000, idle 10000, room 1000)",
  },
  seconds: { type: "string", value: "T", help: "measured window: greet, cycle, verdict (2)" },
  warmup: { type: "string", value: "W", help: "seconds of load before the window (0.5; verdict 1)" },
  rounds: { type: "string", default: "5", value: "R", help: "burst, room: bursts, each in a new round" },
  rate: {
    type: "string",
    default: "16",
    value: "R",
    help: "verdict: buzzes a second per connection, 0 unpaced",
  },
  control: {
    type: "string",
    default: "plain",
    value: "C",
    help: "new rounds: plain (reset) or host:SECRET (ours)",
  },
  pid: { type: "string", value: "PID", help: "the server's process, for CPU (/proc/PID/stat) and VmRSS" },
  timeout: {
    type: "string",
    default: "30",
    value: "S",
    help: "longest wait for a burst or the last replies",
  },
  pause: {
    type: "string",
    default: "300",
    value: "MS",
    help: "pause after starting a round, before the burst",
  },
  concurrency: { type: "string", default: "100", value: "K", help: "handshakes in flight while opening" },
  spread: {
    type: "string",
    default: "1",
    value: "K",
    help: "connect to 127.0.0.1..K in turn (server on 0.0.0.0)",
  },
  limit: { type: "string", default: "300", value: "S", help: "hard time limit: report what failed and exit" },
});
if (!values.scenario || !values.url) fail(`${program}: --scenario and --url are required (see --help)`, 2);
const scenario = values.scenario as Scenario;
if (!SCENARIOS.includes(scenario)) fail(`${program}: unknown --scenario ${scenario} (see --help)`, 2);
const url = new URL(urlOption(program, values.url));
const defaults = DEFAULTS[scenario];
const n = numbers(
  program,
  {
    ...values,
    conns: values.conns ?? String(defaults.conns),
    seconds: values.seconds ?? String(defaults.seconds),
    warmup: values.warmup ?? String(defaults.warmup),
    pid: values.pid ?? "0",
  },
  {
    conns: [1, 1_000_000],
    seconds: [0, 3600],
    warmup: [0, 3600],
    rounds: [1, 1000],
    rate: [0, 1_000_000],
    pid: [0, 2 ** 22],
    timeout: [0.1, 3600],
    pause: [0, 60_000],
    concurrency: [1, 10_000],
    spread: [1, 254],
    limit: [1, 86_400],
  },
);
const session = new Session({
  scenario,
  url: String(values.url),
  host: url.hostname,
  port: Number(url.port),
  conns: n.conns,
  seconds: n.seconds,
  warmup: n.warmup,
  rounds: n.rounds,
  rate: n.rate,
  control: String(values.control),
  pid: n.pid || null,
  timeoutMs: n.timeout * 1000,
  pauseMs: n.pause,
  concurrency: n.concurrency,
  spread: n.spread,
});

// The bench must end even if a server hangs: report what is known and stop.
setTimeout(() => {
  session.fail(`hit the ${n.limit}s time limit`);
  session.finish();
}, n.limit * 1000).unref();

try {
  await { greet, cycle, verdict, burst, idle, room }[scenario](session);
} catch (e) {
  session.fail((e as Error).message);
}
session.finish();
