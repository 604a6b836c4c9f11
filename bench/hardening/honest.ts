/**
 * The flood bench's honest side, a worker process (config: HonestConfig, JSON): plain-text players
 * in room MAIN (open from the start) buzzing at a steady pace, a JSON viewer watching the room's
 * state, and once a second a newcomer from the flooder's address and one from another. Answers
 * `start`/`stop` with a HonestWindow, `quit` with its error total.
 */
import { Burst, PacedBuzzers } from "../buzzing.ts";
import { commands, ErrorLog, emit, now, openPooled, sleep, until, workerConfig } from "../harness.ts";
import { quantile } from "../stats.ts";
import { isVerdict, JOIN_REFUSED } from "../verdicts.ts";
import { connect } from "../wire.ts";
import { type HonestWindow, noNewcomers } from "./figures.ts";
import { FLOOD_SOURCE, joinFrom, OTHER_SOURCE } from "./newcomer.ts";

/** The honest worker's settings. */
export interface HonestConfig {
  url: string;
  players: number;
  perSecond: number;
}

const config = workerConfig<HonestConfig>();
const { hostname: host, port: portText } = new URL(config.url);
const port = Number(portText);
const errors = new ErrorLog();
const fail = errors.add;
let closing = false;

// The load core's own scheduling delay: how late a 10 ms timer fires, sampled during windows.
let lags: number[] = [];
let lagOn = false;
const lagTick = () => {
  const due = now() + 10;
  setTimeout(() => {
    if (lagOn) lags.push(now() - due);
    lagTick();
  }, 10);
};
lagTick();

let playerCount = 0;
let stateMessages = 0;
let stateBytes = 0;
const viewer = await connect(host, port, fail);
viewer.onText = (t) => {
  if (!t.startsWith('{"type":"state"')) return;
  stateMessages++;
  stateBytes += t.length;
  playerCount = (JSON.parse(t) as { playerCount: number }).playerCount;
};
viewer.onClose = (code) => {
  if (!closing) fail(`the viewer was closed (${code})`);
};
viewer.sendText(JSON.stringify({ type: "join", watch: true }));

const conns = await openPooled(
  config.players,
  50,
  async () => {
    const c = await connect(host, port, fail);
    c.onClose = (code) => {
      if (!closing) fail(`server closed an honest player (${code})`);
    };
    return c;
  },
  fail,
);
// First buzzes, together: each connection's verdict, which every later buzz must get again.
const first = new Burst(conns, fail);
first.send();
if (!(await first.complete(10_000))) fail(`${conns.length - first.answered} first verdicts missing`);
if (first.firstPlaces === 0) fail("no first place among the honest players");
const paced = new PacedBuzzers(conns, first.verdicts, config.perSecond, fail);

let newcomers = noNewcomers();
const newcomer = async (from: string, same: boolean) => {
  const reply = await joinFrom(from, host, port, 3000);
  const side = same ? "same" : "other";
  if (reply !== null && isVerdict(reply)) newcomers[`${side}Joined` as const]++;
  else if (reply?.includes(JOIN_REFUSED)) newcomers[`${side}Refused` as const]++;
  else fail(`newcomer from ${from}: ${reply ?? "no reply in 3 s"}`);
};
const newcomerTimer = setInterval(() => {
  newcomer(FLOOD_SOURCE, true);
  newcomer(OTHER_SOURCE, false);
}, 1000);

emit({ ready: true, players: conns.length, errors: errors.count, errorSamples: errors.samples });

let windowStart = 0;
let errorsAtStart = 0;
await commands(async (cmd) => {
  if (cmd === "start") {
    errorsAtStart = errors.count;
    stateMessages = 0;
    stateBytes = 0;
    newcomers = noNewcomers();
    lags = [];
    lagOn = true;
    windowStart = now();
  } else if (cmd === "stop") {
    const end = now();
    lagOn = false;
    const lagSorted = Float64Array.from(lags).sort();
    // Replies to buzzes sent in the window count however late they come (up to 5 s).
    await until(() => paced.outstanding(end) === 0, 5000);
    const missing = paced.outstanding(end);
    if (missing) fail(`${missing} replies missing 5 s after the window`);
    const sorted = paced.latencies(windowStart, end);
    const window: HonestWindow = {
      count: sorted.length,
      p50Ms: quantile(sorted, 0.5),
      p90Ms: quantile(sorted, 0.9),
      p99Ms: quantile(sorted, 0.99),
      maxMs: quantile(sorted, 1),
      missing,
      lagP99Ms: quantile(lagSorted, 0.99),
      lagMaxMs: quantile(lagSorted, 1),
      errors: errors.count - errorsAtStart,
      errorSamples: errors.samples,
      playerCount,
      stateMessages,
      stateKiB: stateBytes / 1024,
      newcomers,
    };
    emit(window);
  } else if (cmd === "quit") {
    closing = true;
    paced.stop();
    clearInterval(newcomerTimer);
    await Promise.race([Promise.all([...conns, viewer].map((c) => c.close())), sleep(3000)]);
    emit({ quit: true, errors: errors.count, errorSamples: errors.samples });
    process.exit(0);
  }
});
