/** One load generator run: its settings, the result it prints, and opening and closing its connections. */
import { ErrorLog, now, openPooled, sleep } from "../harness.ts";
import {
  CLOSE_WAIT_SEC,
  type LoadResult,
  newResult,
  type Scenario,
  type WindowResult,
} from "../load_result.ts";
import { type CpuMark, cpuMark } from "../procfs.ts";
import { quantile } from "../stats.ts";
import { connect, type WireConn } from "../wire.ts";

/** What the command line asked for, read and checked (bench/load.ts --help describes each). */
export interface LoadSettings {
  scenario: Scenario;
  url: string;
  host: string;
  port: number;
  conns: number;
  seconds: number;
  warmup: number;
  rounds: number;
  rate: number;
  control: string;
  pid: number | null;
  timeoutMs: number;
  pauseMs: number;
  concurrency: number;
  spread: number;
}

/** The run's result and errors, and its connections. */
export class Session {
  readonly result: LoadResult;
  /** Set while we close connections ourselves: closes then are not errors. */
  closing = false;
  private readonly errors = new ErrorLog(10);
  private opened = 0;

  constructor(readonly settings: LoadSettings) {
    this.result = newResult(settings.scenario, settings.url, settings.conns);
  }

  /** Counts an error and keeps the first few messages for the report. */
  readonly fail = (message: string): void => this.errors.add(message);

  /** The address of the next connection: 127.0.0.1..K in turn with --spread K (each has its own ports). */
  nextHost(): string {
    const { spread, host } = this.settings;
    return spread > 1 ? `127.0.0.${1 + (this.opened++ % spread)}` : host;
  }

  /** Connections we did not close ourselves are errors: the server dropped them. */
  watch(c: WireConn): WireConn {
    c.onClose = (code) => {
      if (!this.closing) this.fail(`server closed a connection (${code})`);
    };
    return c;
  }

  /** Opens `count` watched connections, at most --concurrency handshakes at a time. */
  async openMany(count: number): Promise<WireConn[]> {
    const t0 = now();
    const conns = await openPooled(
      count,
      this.settings.concurrency,
      async () => this.watch(await connect(this.nextHost(), this.settings.port, this.fail)),
      this.fail,
    );
    this.result.openSec += (now() - t0) / 1000;
    return conns;
  }

  /** Closes connections with the close handshake, dropping any the server does not close in time. */
  async closeAll(conns: WireConn[]): Promise<void> {
    const t0 = now();
    this.closing = true;
    const all = Promise.all(conns.map((c) => c.close()));
    if (!(await Promise.race([all.then(() => true), sleep(CLOSE_WAIT_SEC * 1000).then(() => false)]))) {
      for (const c of conns) c.drop();
    }
    this.result.closeSec += (now() - t0) / 1000;
  }

  /** Marks a window edge: time, server CPU (with --pid), our own CPU, the machine's. */
  mark(): CpuMark {
    return cpuMark(this.settings.pid);
  }

  /** A measured window from its edges and the latencies (ascending) of the replies it counts. */
  window(a: CpuMark, b: CpuMark, sorted: Float64Array): WindowResult {
    const seconds = (b.t - a.t) / 1000;
    return {
      seconds,
      count: sorted.length,
      rate: sorted.length / seconds,
      p50Ms: quantile(sorted, 0.5),
      p99Ms: quantile(sorted, 0.99),
      serverCpuSec: b.server - a.server,
      loadCpuSec: b.load - a.load,
      machineCpuSec: b.machine - a.machine,
    };
  }

  /** Prints the result line and exits: 0 when every reply arrived and matched. */
  finish(): never {
    const r = this.result;
    r.errors = this.errors.count;
    r.errorSamples = this.errors.samples;
    r.ok = r.errors === 0 && r.verified === r.sent && r.received === r.sent;
    console.log(JSON.stringify(r));
    process.exit(r.ok ? 0 : 1);
  }
}
