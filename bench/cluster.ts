/**
 * The cluster bench: plain-text players in room MAIN across N buzzer processes sharing rooms through
 * Redis (`--redis --reuse-port`, one port), driven by several load processes (bench/cluster/players.ts)
 * that burst at one moment the orchestrator names, after its host has opened the round. Measures
 * the big room (50,000 players by default), then a fixed room on 1, 2 … N processes beside one
 * process without Redis. Writes bench/results/cluster.md; every process it starts is killed at the end.
 */
import { parseOptions } from "../lib/options.ts";
import type { BurstReport, Opened, PlayersConfig } from "./cluster/players.ts";
import { type PlayedRound, type Run, report, type Scenario } from "./cluster/report.ts";
import { type Redis, sockets, startRedis, startServers, wall } from "./cluster/stack.ts";
import { ErrorLog, guard, numbers, publish, sleep, until } from "./harness.ts";
import { Host } from "./host.ts";
import { cpuMark, cpuSeconds, ownCpuSeconds } from "./procfs.ts";
import { type RunningServer, SECRET } from "./servers.ts";
import { connect, type WireConn } from "./wire.ts";
import { Worker } from "./worker.ts";

const program = "bench/cluster.ts";
const { values } = parseOptions(program, "Bursts in one room across buzzer processes sharing Redis.", {
  players: { type: "string", default: "50000", value: "N", help: "players in the big room" },
  procs: { type: "string", default: "4", value: "N", help: "server processes for the big room" },
  rounds: { type: "string", default: "3", value: "R", help: "bursts after the joining one" },
  compare: {
    type: "string",
    default: "10000",
    value: "N",
    help: "players of the 1, 2 … N process comparison (0 skips it)",
  },
  "compare-procs": { type: "string", default: "1,2,4", value: "LIST", help: "process counts compared" },
  single: {
    type: "string",
    default: "18000",
    value: "N",
    help: "players for one process without Redis beside the big room (0 skips it)",
  },
  "per-load": { type: "string", default: "12500", value: "N", help: "most connections per load process" },
  pause: { type: "string", default: "300", value: "MS", help: "pause after the round opens" },
  timeout: { type: "string", default: "60", value: "S", help: "longest wait for a burst's verdicts" },
  limit: { type: "string", default: "900", value: "S", help: "hard time limit of the whole run" },
  out: { type: "string", default: "bench/results/cluster.md", value: "FILE", help: "where the report goes" },
});
const o = numbers(program, values, {
  players: [1, 200_000],
  procs: [1, 16],
  rounds: [1, 20],
  compare: [0, 100_000],
  single: [0, 19_000],
  "per-load": [100, 19_000],
  pause: [0, 10_000],
  timeout: [1, 600],
  limit: [10, 7200],
});
const compareProcs = String(values["compare-procs"])
  .split(",")
  .filter(Boolean)
  .map((x) => numbers(program, { procs: x }, { procs: [1, 16] }).procs);
guard(program, o.limit);

const log = (line: string) => console.error(line);
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(0)}s`;

/** CPU seconds so far: the servers' summed, Redis's, the load side's (load processes and this one). */
function mark(servers: RunningServer[], redis: Redis | null, loaders: Worker[]) {
  const sum = (pids: number[]) => pids.reduce((a, pid) => a + cpuSeconds(pid), 0);
  const each = servers.map((s) => cpuSeconds(s.pid));
  return {
    each,
    server: each.reduce((a, x) => a + x, 0),
    t: wall(),
    machine: cpuMark(null).machine,
    redis: redis ? cpuSeconds(redis.pid) : 0,
    load: sum(loaders.map((w) => w.pid)) + ownCpuSeconds(),
  };
}

/** One burst: every load process sends at the same wall-clock moment; their reports summed. */
async function burst(
  round: number,
  servers: RunningServer[],
  redis: Redis | null,
  loaders: Worker[],
): Promise<PlayedRound> {
  const a = mark(servers, redis, loaders);
  const at = wall() + 50;
  for (const w of loaders) w.send(`burst ${at}`);
  const reps = await Promise.all(loaders.map((w) => w.json<BurstReport>((o.timeout + 20) * 1000)));
  const b = mark(servers, redis, loaders);
  const sum = (f: (r: BurstReport) => number) => reps.reduce((x, r) => x + f(r), 0);
  const first = Math.min(...reps.map((r) => r.sendStart));
  const verdicts = sum((r) => r.answered);
  const sent = sum((r) => r.sent);
  return {
    round,
    sent,
    verdicts,
    verified: sum((r) => r.verified),
    firstPlaces: sum((r) => r.firstPlaces),
    open: sum((r) => r.open),
    timeMs: verdicts === sent ? Math.max(...reps.map((r) => r.lastAt)) - first : Number.NaN,
    sendMs: Math.max(...reps.map((r) => r.sendEnd)) - first,
    serverCpuSec: b.server - a.server,
    busiestCpuSec: Math.max(...b.each.map((x, i) => x - (a.each[i] as number))),
    machineCpuSec: b.machine - a.machine,
    windowMs: b.t - a.t,
    redisCpuSec: b.redis - a.redis,
    loadCpuSec: b.load - a.load,
    errors: sum((r) => r.errors),
    errorSamples: reps.flatMap((r) => r.errorSamples).slice(0, 5),
  };
}

/** One scenario from scratch: Redis (if any), the servers, the host, the load processes, the rounds. */
async function play(s: Scenario): Promise<Run> {
  const run: Run = { scenario: s, opened: 0, openMs: Number.NaN, held: [], playerCount: 0, rounds: [] };
  const errors = new ErrorLog(5);
  let redis: Redis | null = null;
  let servers: RunningServer[] = [];
  let loaders: Worker[] = [];
  let hostConn: WireConn | null = null;
  const closing = { now: false };
  try {
    redis = s.redis ? await startRedis() : null;
    servers = await startServers(s.procs, redis?.url ?? null);
    const port = Number(new URL(servers[0]?.url ?? "").port);
    const base = servers.map((x) => sockets(x.pid));
    hostConn = await connect("127.0.0.1", port, errors.add);
    hostConn.onClose = (code) => {
      if (!closing.now) errors.add(`server closed the host (${code})`);
    };
    const host = await Host.join(hostConn, SECRET, errors.add);
    const count = Math.max(2, Math.ceil(s.players / o["per-load"]));
    loaders = Array.from({ length: count }, (_, i) => {
      const config: PlayersConfig = {
        port,
        conns: Math.floor(s.players / count) + (i < s.players % count ? 1 : 0),
        spread: 4,
        concurrency: 100,
        timeoutMs: o.timeout * 1000,
      };
      return new Worker(`load ${i + 1}`, "bench/cluster/players.ts", [JSON.stringify(config)], null);
    });
    const opened = await Promise.all(loaders.map((w) => w.json<Opened>(180_000)));
    run.opened = opened.reduce((x, r) => x + r.opened, 0);
    run.openMs = Math.max(...opened.map((r) => r.openMs));
    for (const r of opened) for (const e of r.errorSamples) errors.add(e);
    run.held = servers.map((x, i) => sockets(x.pid) - (base[i] as number));
    log(
      `[${elapsed()}] ${s.label}: ${run.opened} open in ${(run.openMs / 1000).toFixed(1)} s, per process ${run.held.join(", ")}`,
    );
    if (run.opened < s.players)
      throw new Error(
        `${s.players - run.opened} of ${s.players} connections failed: ${opened.flatMap((r) => r.errorSamples).join("; ")}`,
      );
    for (let r = 0; r <= o.rounds; r++) {
      if (!(await host.newRound(10_000)))
        throw new Error(`round ${r}: the host's round did not open within 10 s`);
      await sleep(o.pause);
      const played = await burst(r, servers, redis, loaders);
      run.rounds.push(played);
      log(
        `[${elapsed()}] ${s.label} round ${r}: ${played.verdicts}/${played.sent} verdicts, ${played.firstPlaces} first, ` +
          `${played.timeMs.toFixed(0)} ms, server ${((played.serverCpuSec / played.sent) * 1e6).toFixed(1)} µs/buzz, ` +
          `busiest process ${(played.busiestCpuSec * 1000).toFixed(0)} ms CPU, Redis ${(played.redisCpuSec * 1000).toFixed(0)} ms` +
          `${played.errors ? ` ERRORS ${played.errorSamples.join("; ")}` : ""}`,
      );
      // The first burst makes every connection a player of MAIN: the host's count must say so.
      if (r === 0) {
        await until(() => host.playerCount >= s.players, 10_000, 20);
        run.playerCount = host.playerCount;
      }
      if (played.verdicts < played.sent) break;
    }
    const dead = servers.filter((x) => x.proc.exitCode !== null);
    if (dead.length) throw new Error(`a server exited: ${dead[0]?.output().slice(-500)}`);
    closing.now = true;
    await Promise.all(loaders.map((w) => w.quit()));
  } catch (e) {
    run.failure = (e as Error).message;
    log(`[${elapsed()}] ${s.label}: FAILED ${run.failure}`);
  } finally {
    closing.now = true;
    for (const w of loaders) w.kill();
    hostConn?.drop();
    await Promise.all(servers.map((x) => x.stop()));
    redis?.stop();
  }
  run.errors = errors.take();
  return run;
}

const label = (procs: number, redis: boolean) =>
  redis ? `${procs} process${procs > 1 ? "es" : ""} + Redis` : "1 process, no Redis";
const big: Scenario = { label: label(o.procs, true), players: o.players, procs: o.procs, redis: true };
const runs: Run[] = [await play(big)];
if (o.single > 0)
  runs.push(await play({ label: label(1, false), players: o.single, procs: 1, redis: false }));
const compared: Run[] = [];
if (o.compare > 0) {
  compared.push(await play({ label: label(1, false), players: o.compare, procs: 1, redis: false }));
  for (const p of compareProcs)
    compared.push(await play({ label: label(p, true), players: o.compare, procs: p, redis: true }));
}
const markdown = report(runs, compared, {
  command: ["bun", program, ...process.argv.slice(2)].join(" "),
  rounds: o.rounds,
  pause: o.pause,
  perLoad: o["per-load"],
  seconds: (performance.now() - t0) / 1000,
});
publish(String(values.out), markdown);
