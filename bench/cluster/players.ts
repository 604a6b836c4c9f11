/**
 * A load process of the cluster bench (bench/cluster.ts): opens its share of plain-text players,
 * spread over 127.0.0.1..K (servers on 0.0.0.0), then on each `burst AT` command buzzes on every
 * connection in one synchronous loop at the wall-clock time AT, checks every verdict (bench/buzzing.ts)
 * and answers one JSON line. Times it reports are on the wall clock (performance.timeOrigin + now),
 * so the orchestrator can compare them across processes. `quit` closes everything and exits.
 */
import { Burst } from "../buzzing.ts";
import { commands, ErrorLog, emit, now, openPooled, sleep, workerConfig } from "../harness.ts";
import { connect, type WireConn } from "../wire.ts";
import { wall } from "./stack.ts";

/** What the orchestrator starts a load process with (its one JSON argument). */
export interface PlayersConfig {
  port: number;
  conns: number;
  spread: number;
  concurrency: number;
  timeoutMs: number;
}

/** The answer once every connection is open (or failed). */
export interface Opened {
  opened: number;
  openMs: number;
  errors: number;
  errorSamples: string[];
}

/** The answer to one burst: this process's share of the round. */
export interface BurstReport {
  sendStart: number;
  sendEnd: number;
  lastAt: number;
  sent: number;
  answered: number;
  received: number;
  verified: number;
  firstPlaces: number;
  open: number;
  errors: number;
  errorSamples: string[];
}

const config = workerConfig<PlayersConfig>();
const errors = new ErrorLog(5);
let closing = false;
let k = 0;

const t0 = now();
const conns: WireConn[] = await openPooled(
  config.conns,
  config.concurrency,
  async () => {
    const c = await connect(`127.0.0.${1 + (k++ % config.spread)}`, config.port, errors.add);
    c.onClose = (code) => {
      if (!closing) errors.add(`server closed a connection (${code})`);
    };
    return c;
  },
  errors.add,
);
emit({ opened: conns.length, openMs: now() - t0, ...errors.take() } satisfies Opened);

await commands(async (cmd) => {
  const [name, arg] = cmd.split(" ");
  if (name === "burst") {
    // Every load process sends at the same moment, told by the orchestrator.
    await sleep(Math.max(0, Number(arg) - wall()));
    const burst = new Burst(conns, errors.add);
    const sendStart = wall();
    burst.send();
    const sendEnd = wall();
    const complete = await burst.complete(config.timeoutMs);
    if (!complete) errors.add(`${conns.length - burst.answered} of ${conns.length} verdicts missing`);
    const report: BurstReport = {
      sendStart,
      sendEnd,
      lastAt: performance.timeOrigin + burst.lastAt,
      sent: conns.length,
      answered: burst.answered,
      received: burst.received,
      verified: burst.verified,
      firstPlaces: burst.firstPlaces,
      open: conns.filter((c) => c.isOpen).length,
      ...errors.take(),
    };
    emit(report);
  } else if (name === "quit") {
    closing = true;
    const t = now();
    await Promise.race([Promise.all(conns.map((c) => c.close())), sleep(10_000)]);
    emit({ closeMs: now() - t, ...errors.take() });
    process.exit(0);
  }
});
