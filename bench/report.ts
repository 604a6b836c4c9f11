/** Renders a bench run as Markdown: result tables with ratios to bare Bun, targets, notes, fairness. */
import { CLOSE_WAIT_SEC } from "./load_result.ts";
import { num, times } from "./markdown.ts";
import { ROOM_TARGETS, roomFloor, roomTable } from "./rooms.ts";
import type { Spread } from "./stats.ts";
import { type RunSummary, ratio, type ScenarioSummary, type ServerSummary } from "./summary.ts";

/** `median (min–max)` of repeated measurements. */
function cell(s: Spread | undefined): string {
  if (!s || s.n === 0) return "–";
  return s.n > 1 ? `${num(s.median)} (${num(s.min)}–${num(s.max)})` : num(s.median);
}

/** Issue #11: a decided buzz of a burst may cost at most this many times bare Bun's CPU. */
const DECISION_TARGET = 1.3;

function pct(s: Spread | undefined): string {
  return s && s.n > 0 ? `${s.median.toFixed(0)}%` : "–";
}

function verified(s: ServerSummary): string {
  if (s.skipped) return s.skipped;
  if (s.ok) return "all verified";
  return `**${s.errors} errors**: ${s.errorSamples.slice(0, 2).join("; ").replaceAll("|", "\\|")}`;
}

function windowTable(list: ScenarioSummary[]): string[] {
  const lines = [
    "| scenario | server | rate /s | × bare | p50 ms | p99 ms | server CPU µs/msg | × bare | server CPU | load gen CPU | others | bound | replies |",
    "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|",
  ];
  for (const sc of list) {
    for (const s of sc.servers) {
      const m = s.metrics;
      lines.push(
        `| ${sc.key} | ${s.label} | ${cell(m.rate)} | ${times(ratio(sc, s, "rate"))} | ${num(m.p50?.median)} | ${num(m.p99?.median)} | ` +
          `${cell(m.cpuUs)} | ${times(ratio(sc, s, "cpuUs"))} | ${pct(m.serverPct)} | ${pct(m.loadPct)} | ${pct(m.othersPct)} | ${s.bound ?? ""} | ${verified(s)} |`,
      );
    }
  }
  return lines;
}

function burstTable(list: ScenarioSummary[]): string[] {
  const lines = [
    "| clients | server | round 0: last verdict ms | CPU µs/buzz | rounds 1+: last verdict ms | × bare | send loop ms | server CPU µs/buzz, median (round 1) | × bare (target ≤ 1.3) | server busy | bound | then close all, s | one first place, every verdict checked |",
    "|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|---|",
  ];
  for (const sc of list) {
    for (const s of sc.servers) {
      const m = s.metrics;
      const close = m.closeSec?.median;
      const closeCell =
        close !== undefined && close >= CLOSE_WAIT_SEC ? `> ${CLOSE_WAIT_SEC} (cut off)` : num(close);
      const cpu = ratio(sc, s, "cpuUs");
      const mark =
        s.server === "ours" && Number.isFinite(cpu) ? (cpu <= DECISION_TARGET ? " ✅" : " ❌") : "";
      lines.push(
        `| ${sc.title.replace(" clients", "")} | ${s.label} | ${num(m.joinMs?.median)} | ${num(m.joinCpuUs?.median)} | ` +
          `${cell(m.timeMs)} | ${times(ratio(sc, s, "timeMs"))} | ${num(m.sendMs?.median)} | ` +
          `${num(m.cpuUs?.median)} (${num(m.firstCpuUs?.median)}) | ${times(cpu)}${mark} | ${pct(m.serverPct)} | ${s.bound ?? ""} | ${closeCell} | ${verified(s)} |`,
      );
    }
  }
  return lines;
}

function idleTable(sc: ScenarioSummary): string[] {
  const lines = [
    "| server | KiB/connection | × bare | of which anonymous | × bare | RSS before → after (MiB) | connections |",
    "|---|--:|--:|--:|--:|--:|---|",
  ];
  for (const s of sc.servers) {
    const m = s.metrics;
    lines.push(
      `| ${s.label} | ${cell(m.kib)} | ${times(ratio(sc, s, "kib"))} | ${cell(m.anonKib)} | ${times(ratio(sc, s, "anonKib"))} | ${num(m.rssBeforeMiB?.median)} → ${num(m.rssAfterMiB?.median)} | ${verified(s)} |`,
    );
  }
  return lines;
}

/** One target row: ours against bare Bun, Python and Node+ws on a cost metric (lower is better). */
function target(name: string, sc: ScenarioSummary | undefined, metric: string, unit: string): string | null {
  if (!sc) return null;
  const get = (id: string) => sc.servers.find((s) => s.server === id)?.metrics[metric]?.median ?? Number.NaN;
  const ours = get("ours");
  const check = (v: number, ok: boolean) =>
    Number.isFinite(v) ? `${v.toFixed(2)}× ${ok ? "✅" : "❌"}` : "–";
  const vsBare = ours / get("bare");
  const vsPython = get("python") / ours;
  const vsNode = get("node") / ours;
  return (
    `| ${name} | ${num(ours)} ${unit} | ${check(vsBare, vsBare <= 1.1)} | ${check(vsPython, vsPython >= 3)} | ` +
    `${check(vsNode, vsNode >= 1.4)} |`
  );
}

function targetTable(r: RunSummary): string[] {
  const w = (k: string) => r.windows.find((s) => s.key === k);
  const rows = [
    target("greet: server CPU per message", w("greet"), "cpuUs", "µs"),
    target("cycle: server CPU per connect–greet–close", w("cycle"), "cpuUs", "µs"),
    target("verdict: server CPU per buzz", w("verdict"), "cpuUs", "µs"),
    ...r.bursts.map((b) => target(`burst of ${b.title}: time to last verdict`, b, "timeMs", "ms")),
    target("memory per idle connection", r.idle.servers.length ? r.idle : undefined, "kib", "KiB"),
    target(
      "memory per idle connection, anonymous",
      r.idle.servers.length ? r.idle : undefined,
      "anonKib",
      "KiB",
    ),
  ].filter((x): x is string => x !== null);
  return [
    "| metric (lower is better) | ours | ours ÷ bare Bun (target ≤ 1.10) | Python ÷ ours (target ≥ 3) | Node+ws ÷ ours (target ≥ 1.4) |",
    "|---|--:|--:|--:|--:|",
    ...rows,
  ];
}

function limitedBy(r: RunSummary): string[] {
  const out: string[] = [];
  for (const sc of [...r.windows, ...r.bursts]) {
    for (const s of sc.servers) {
      if (s.bound === "load generator" || s.bound === "both" || s.bound === "contended")
        out.push(`- ${sc.key} / ${s.label}: **${s.bound}**`);
    }
  }
  if (out.length === 0) return ["- none: every measurement was limited by the server or by nothing (paced)"];
  return [
    ...out,
    "",
    "Where the load generator is (one of) the limit, the rate measures it more than the server: compare CPU per " +
      "message there, which holds whoever is the bottleneck. In bursts the load generator's send loop is part of the " +
      "time (see *send loop*); CPU per buzz is the cleaner comparison.",
  ];
}

function notes(r: RunSummary): string[] {
  const m = r.meta;
  return [
    "- **Same protocols everywhere.** Greeting: `NAME` → `Hello NAME!` on every message. Buzzer: `buzz` → " +
      "`first place!` or `response time: S.SS seconds slower!`; a repeat in the same round is answered with the same " +
      "verdict again (ours does; the references keep each connection's verdict). New round: plain `reset` → `new round` " +
      "for the references; ours via a host connection (`join` with the secret, `reset`, `arm`).",
    `- **verdict** is paced at ${m.verdictRate} buzz/s per connection for every server: ours refuses more than 20 ` +
      "messages/s per connection (after a burst of 40) without replying, so an unpaced loop would measure its rate limiter. " +
      "Its window starts 1.5 s after the first verdicts, past our clock probing of new players.",
    "- **Not possible here:** 50,000 connections (open files are capped at " +
      `${Number(m.fileLimit).toLocaleString("en")} per process, hard); the largest burst is ` +
      `${Number(m.maxClients).toLocaleString("en")} clients. The machine is shared: the *others* column shows CPU ` +
      "other processes took during each window.",
  ];
}

/** The big-room section, when the run measured big rooms. */
function roomSection(r: RunSummary): string[] {
  if (!r.rooms?.length) return [];
  const T = ROOM_TARGETS;
  return [
    `## Big rooms: JSON players (phones) join one room, then ${Math.max(Number(r.meta.reps), 10)} rounds in which all buzz in the same tick`,
    "",
    ...roomTable(r.rooms),
    "",
    "Ours, and **bare room**, the leanest room of phones we could write on bare Bun " +
      "(`bench/reference/bare_room.ts`): the same JSON messages (join, welcome, snapshot, deltas coalesced " +
      "as ours coalesces them, verdicts, the top places after the burst), each buzz answered as it is read, in arrival " +
      "order; no clock probing or fairness, names, scores, limits, records or journal. It tells what any room " +
      "of phones costs on this runtime and machine. Bare Bun, Node+ws and Python speak the plain-text " +
      "protocol and have no rooms. " +
      "Each player joins (`join` with the room code and a name) the moment its connection opens (100 handshakes in " +
      "flight, spread over the loopback addresses), answers clock pings, keeps its view from the `state` snapshot and " +
      "the `delta`s (a missed version is an error), and buzzes with its own `at`. **all joined**: the last player's " +
      "`welcome`; *open* is how long opening every connection took. **joining**: every byte of the server's frames " +
      "(headers and payloads) a player received from its join until all had joined. **per round**: everything a " +
      "player received from the end of the previous round (or of the joins) until its view showed this round's top " +
      "places: the deltas (reset and arm, the top places), its verdict, clock pings. **last verdict**: from the first " +
      "buzz sent to the last verdict, including the send loop; **server busy** and **others** (the rest of the " +
      "machine: other users, and the kernel's loopback work no process is billed for) are shares of one core over " +
      "the bursts. Every verdict is checked: one per player, places 1 to " +
      "N once each, exactly one first place, gaps in place order, and every view's top places match the verdicts. " +
      `Targets (the issue's): all joined within ${T.tailMs / 1000} s of the last connection opening (set at 5,000 ` +
      `players), ≤ ${T.joinBytes / 1024} KiB per player while joining and ≤ ${T.roundBytes / 1024} KiB per round ` +
      `(the worst player), every verdict within ${T.verdictMs} ms: marked on the median round, on round 1 (the ` +
      "first after a fresh start, which also pays the JIT compiling the code) and on the slowest round.",
    "",
    ...roomFloor(r.rooms),
    "",
  ];
}

/**
 * What a fair decision costs by itself: bare Bun with a fair window (bench/reference/bare_fair.ts)
 * against bare Bun, and ours against it, per burst size (CPU per buzz, rounds 1+).
 */
export function fairFloor(bursts: ScenarioSummary[]): string[] {
  const rows = bursts.flatMap((sc) => {
    const cpu = (id: string) => sc.servers.find((s) => s.server === id)?.metrics.cpuUs?.median ?? Number.NaN;
    const fair = cpu("fair");
    if (!Number.isFinite(fair)) return [];
    return [`| ${sc.title} | ${times(fair / cpu("bare"))} | ${times(cpu("ours") / fair)} |`];
  });
  if (rows.length === 0) return [];
  return [
    "**bare fair** is the leanest fair buzzer we could write on bare Bun: each link's round trip measured with " +
      "ping frames, each buzz placed at its arrival less half its round trip, and its verdict sent once no buzz " +
      "still to come can precede it. It tells what ordering by press time costs by itself, beside bare Bun, which " +
      "answers each buzz as it reads it; ours does that and everything else.",
    "",
    "| clients | bare fair ÷ bare Bun, server CPU µs/buzz | ours ÷ bare fair |",
    "|---|--:|--:|",
    ...rows,
    "",
  ];
}

/** The whole report as Markdown. */
export function markdown(r: RunSummary): string {
  const m = r.meta;
  const kind = m.quick ? "quick run (`--quick`)" : "full run";
  return [
    "# Bench: ours against bare Bun, Node.js + ws and Python websockets",
    "",
    `${m.date} · ${kind} · ${m.reps} repeats · ${m.cpus} × ${m.cpuModel} (shared, noisy) · Bun ${m.bun}, Node.js ${m.node}, ` +
      `ws ${m.ws}, Python ${m.python} · took ${m.durationSec} s. Generated by \`bun bench/run.ts\`; see bench/README.md.`,
    "",
    "Each server runs as its own process pinned to core 0 (`taskset -c 0`), the load generator " +
      "(`bench/load.ts`, a lean RFC 6455 client on Bun's TCP sockets) on core 1; a fresh server for every measurement. " +
      "Server CPU is the run time of all its threads (/proc/PID/task/*/schedstat, in ns) over the measured window. " +
      "Cells are the median over the repeats with (min–max); **× bare** is that median divided by bare Bun's median " +
      "in this same run (for rates higher is better, for everything else lower is better). Every reply is checked: " +
      "a wrong text, a missing or extra reply is an error, and a run with errors is left out of the medians.",
    "",
    `## Round trips: throughput, latency, CPU per message (${m.seconds} s windows)`,
    "",
    ...windowTable(r.windows),
    "",
    "**server CPU / load gen CPU** are shares of one core over the window; **others** is CPU the rest of the machine " +
      "used meanwhile (other users' processes, kernel). **bound**: *server* (server ≥ 90% of its core), *load generator* " +
      "(load generator ≥ 90% while the server is below), *both*, *contended* (others ≥ 30% of a core), *neither* " +
      `(paced: the verdict scenario offers ${m.verdictRate} buzz/s per connection, ${Number(m.verdictRate) * Number(m.verdictConns)} /s in all, ` +
      "below our server's rate limit of 20 messages/s per connection).",
    "",
    "## Bursts: every client sends `buzz` in the same tick (round 0, then fresh rounds: at least 10, and 50,000 buzzes in all)",
    "",
    ...burstTable(r.bursts),
    "",
    "**round 0** is the burst in which every connection becomes a player (ours joins each to the default room); " +
      "**rounds 1+** are the decisions that follow, each the first burst of a fresh round (a new round between), not " +
      "repeats. **last verdict**: from the first send to the last verdict received; it includes the load generator's " +
      "own send loop (**send loop**, one write per socket on one core). **server CPU µs/buzz**: the server's CPU " +
      "(every thread's run time, from /proc/PID/task/*/schedstat) over a round, per buzz; the median round, and in " +
      "brackets round 1, the first after a fresh start, which also pays the JIT compiling the code. " +
      "**server busy**: server CPU over the rounds' time. " +
      "**then close all**: after the last round, the close handshake of every client at once, until the server has " +
      `closed them all (the load generator gives up after ${CLOSE_WAIT_SEC} s and drops the rest). ` +
      `${Number(m.maxClients).toLocaleString("en")} clients is the most that fit: the per-process open-file limit is ` +
      `${Number(m.fileLimit).toLocaleString("en")} (hard, cannot be raised here), so 50,000 connections are impossible on this machine.`,
    "",
    ...fairFloor(r.bursts),
    ...roomSection(r),
    `## Memory per idle connection (${Number(m.idleConns).toLocaleString("en")} connections, opened in batches, silent)`,
    "",
    ...idleTable(r.idle),
    "",
    "Server RSS (VmRSS in /proc/PID/status) 1 s after 100 warm-up connections closed, and the least of it over the 5 s after the last of the " +
      "idle connections opened (read every 250 ms: the memory opening leaves behind is given back 1 to 4 s later, when a collection " +
      "happens to run, and a single reading at 1 s varied by half from run to run), divided by their number. No collector was forced in any runtime. **Of which anonymous**: " +
      "the same for RssAnon, the heaps and compiled code without the pages of the runtime's executable, which a server faults " +
      "in as it first runs code (its garbage collector and compilers, during the first thousands of connections): " +
      "those pages are the same whatever each connection holds, and they vary from run to run.",
    "",
    "## Targets for ours",
    "",
    ...targetTable(r),
    "",
    "## What limited the measurements",
    "",
    ...limitedBy(r),
    "",
    "## Notes",
    "",
    ...notes(r),
    "",
    "## Fairness accuracy (`bun bench/fairness.ts --quick`)",
    "",
    r.fairness,
    "",
  ].join("\n");
}
