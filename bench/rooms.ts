/**
 * The runner's big-room section: the load generator's `room` scenario against ours at each size,
 * beside the leanest room on bare Bun (bench/reference/bare_room.ts; bare Bun, Node and Python
 * have no rooms), summarized and rendered with the issue's targets.
 */
import type { LoadResult, RoomRound } from "./load_result.ts";
import { num, times } from "./markdown.ts";
import { failed, type Measured } from "./measure.ts";
import type { ServerSpec } from "./servers.ts";
import { type Spread, spread } from "./stats.ts";
import type { ScenarioSummary, ServerSummary } from "./summary.ts";

/** The issue's targets for a big room of phones. */
export const ROOM_TARGETS = {
  /** Every player joined within this long of the last connection opening, ms (set at 5,000 players). */
  tailMs: 2000,
  /** Most a player may receive while the room fills, bytes. */
  joinBytes: 8 * 1024,
  /** Most a player may receive in a round, bytes. */
  roundBytes: 2 * 1024,
  /** The last verdict of a burst within this long, ms. */
  verdictMs: 120,
};

/** One load generator run against a fresh server, and the server's CPU over it. */
export type RoomMeasure = (spec: ServerSpec, args: string[], limitSec: number) => Promise<Measured>;

/** A run as the runner keeps it in latest.json. */
export interface RoomRaw {
  server: ServerSpec["id"];
  rep: number;
  result: LoadResult;
  serverCpuTotalSec: number;
}

/** Each figure of a run, as lists the summary takes the median and spread of. */
function metrics(r: LoadResult, size: number): Record<string, number[]> {
  const room = r.room;
  if (!room) return {};
  const { join, rounds } = room;
  const sum = (f: (x: RoomRound) => number) => rounds.reduce((a, x) => a + f(x), 0);
  const secs = sum((x) => x.timeMs) / 1000;
  return {
    joinMs: [join.joinMs],
    tailMs: [join.tailMs],
    openMs: [join.openMs],
    joinBytesMedian: [join.bytes.median],
    joinBytesMax: [join.bytes.max],
    joinCpuUs: [(join.serverCpuSec / size) * 1e6],
    roundBytesMedian: rounds.map((x) => x.bytes.median),
    roundBytesMax: rounds.map((x) => x.bytes.max),
    deltas: rounds.map((x) => x.deltas),
    pings: rounds.map((x) => x.pings),
    timeMs: rounds.map((x) => x.timeMs),
    sendMs: rounds.map((x) => x.sendMs),
    firstMs: rounds.slice(0, 1).map((x) => x.timeMs),
    cpuUs: rounds.map((x) => (x.serverCpuSec / size) * 1e6),
    serverPct: [(sum((x) => x.serverCpuSec) / secs) * 100],
    loadPct: [(sum((x) => x.loadCpuSec) / secs) * 100],
    // The rest of the machine: other users, and the kernel's loopback work that no process is billed for.
    othersPct: [(sum((x) => x.machineCpuSec - x.serverCpuSec - x.loadCpuSec) / secs) * 100],
  };
}

/** Runs the room scenario at each size with `rounds` rounds; one fresh server per size and spec, taking turns. */
export async function rooms(
  sizes: number[],
  rounds: number,
  specs: ServerSpec[],
  measure: RoomMeasure,
  log: (line: string) => void,
): Promise<{ summaries: ScenarioSummary[]; raw: Record<string, RoomRaw[]> }> {
  const summaries: ScenarioSummary[] = [];
  const raw: Record<string, RoomRaw[]> = {};
  for (const [i, size] of sizes.entries()) {
    const args = ["--scenario", "room", "--conns", String(size), "--rounds", String(rounds)];
    const runs: RoomRaw[] = [];
    // Each size starts with the next server, so that a drift of the machine's load hits each alike.
    for (const spec of specs.map((_, k) => specs[(k + i) % specs.length] as ServerSpec)) {
      let run: RoomRaw;
      try {
        run = { server: spec.id, rep: 0, ...(await measure(spec, args, 240)) };
      } catch (e) {
        run = { server: spec.id, rep: 0, result: failed("room", size, e), serverCpuTotalSec: Number.NaN };
      }
      const r = run.result;
      const j = r.room?.join;
      log(
        `room ${size} ${spec.label}: joined in ${num(j?.joinMs)} ms (${num(j?.tailMs)} after the last open), ` +
          `verdicts ${(r.room?.rounds ?? []).map((x) => x.timeMs.toFixed(0)).join(", ")} ms ` +
          `${r.ok ? "verified" : `FAILED ${r.errorSamples.join("; ")}`}`,
      );
      runs.push(run);
    }
    // Listed in the specs' order, whichever ran first.
    const ordered = specs.flatMap((s) => runs.filter((r) => r.server === s.id));
    raw[`room${size}`] = ordered;
    summaries.push(roomSummary(size, ordered, specs));
  }
  return { summaries, raw };
}

/** One size's summary: per server, the figures of its run (none if it failed). */
export function roomSummary(size: number, runs: RoomRaw[], specs: ServerSpec[]): ScenarioSummary {
  const servers = runs.map(
    ({ server, result: r }): ServerSummary => ({
      server,
      label: specs.find((s) => s.id === server)?.label ?? server,
      ok: r.ok,
      errors: r.errors,
      errorSamples: r.errorSamples.slice(0, 5),
      metrics: Object.fromEntries(
        Object.entries(r.ok ? metrics(r, size) : {}).map(([m, v]) => [m, spread(v)]),
      ),
    }),
  );
  return { key: `room${size}`, title: `${size.toLocaleString("en")} players`, servers };
}

/** A figure with ✅ or ❌ against its limit (lower is better), or – when not measured. */
function against(value: number | undefined, limit: number, text: string): string {
  if (value === undefined || !Number.isFinite(value)) return "–";
  return `${text} ${value <= limit ? "✅" : "❌"}`;
}

const pct = (s: Spread | undefined) => (s && s.n > 0 ? `${s.median.toFixed(0)}%` : "–");
const kib = (bytes: number | undefined) => (bytes === undefined ? "–" : (bytes / 1024).toFixed(2));

/** The big-room table: one row per size, the targets marked beside the figures. */
export function roomTable(list: ScenarioSummary[]): string[] {
  const T = ROOM_TARGETS;
  const lines = [
    `| players | server | first open → all joined, ms | last open → all joined, ms (≤ ${T.tailMs / 1000} s) | joining: KiB/player median / max (≤ ${T.joinBytes / 1024}) | server CPU µs/join | per round: KiB/player median / max (≤ ${T.roundBytes / 1024}) | deltas, pings /player/round | last verdict ms (≤ ${T.verdictMs}): median round | round 1 | slowest round | send loop ms | server CPU µs/buzz | server busy | others | one first place, every reply checked |`,
    "|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
  ];
  for (const sc of list) {
    for (const s of sc.servers) {
      const m = s.metrics;
      const checked = s.ok
        ? "all verified"
        : `**${s.errors} errors**: ${s.errorSamples.slice(0, 2).join("; ").replaceAll("|", "\\|")}`;
      lines.push(
        `| ${sc.title.replace(" players", "")} | ${s.label} | ${num(m.joinMs?.median)} (open ${num(m.openMs?.median)}) | ` +
          `${against(m.tailMs?.median, T.tailMs, num(m.tailMs?.median))} | ` +
          `${against(m.joinBytesMax?.max, T.joinBytes, `${kib(m.joinBytesMedian?.median)} / ${kib(m.joinBytesMax?.max)}`)} | ` +
          `${num(m.joinCpuUs?.median)} | ` +
          `${against(m.roundBytesMax?.max, T.roundBytes, `${kib(m.roundBytesMedian?.median)} / ${kib(m.roundBytesMax?.max)}`)} | ` +
          `${num(m.deltas?.median)}, ${num(m.pings?.median)} | ` +
          `${against(m.timeMs?.median, T.verdictMs, num(m.timeMs?.median))} | ` +
          `${against(m.firstMs?.median, T.verdictMs, num(m.firstMs?.median))} | ` +
          `${against(m.timeMs?.max, T.verdictMs, num(m.timeMs?.max))} | ` +
          `${num(m.sendMs?.median)} | ${num(m.cpuUs?.median)} | ${pct(m.serverPct)} | ${pct(m.othersPct)} | ${checked} |`,
      );
    }
  }
  return lines;
}

/**
 * What any room of phones costs on this runtime: ours against the leanest room on bare Bun, per
 * size (CPU per buzz and the median round's last verdict), and whether even that meets the target.
 */
export function roomFloor(list: ScenarioSummary[]): string[] {
  const rows = list.flatMap((sc) => {
    const m = (id: string, metric: string) =>
      sc.servers.find((s) => s.server === id)?.metrics[metric]?.median ?? Number.NaN;
    const floor = m("room", "timeMs");
    if (!Number.isFinite(floor)) return [];
    const ratio = (metric: string) => times(m("ours", metric) / m("room", metric));
    const verdict = `${against(floor, ROOM_TARGETS.verdictMs, num(floor))}`;
    return [`| ${sc.title} | ${verdict} | ${ratio("timeMs")} | ${ratio("cpuUs")} |`];
  });
  if (rows.length === 0) return [];
  return [
    `| players | bare room: last verdict ms, median round (≤ ${ROOM_TARGETS.verdictMs}) | ours ÷ bare room: last verdict | ours ÷ bare room: server CPU µs/buzz |`,
    "|---|--:|--:|--:|",
    ...rows,
  ];
}
