/** The soak report: settings, the verdict (flat or growing) with its figures, and the time series (bench/README.md explains them). */
import { f1, f2, int, stamp, table } from "../markdown.ts";
import type { CpuShares } from "../procfs.ts";
import { type Final, type GameConfig, type Interval, MASH_DELAY } from "./plan.ts";

/** One row of the time series: the game's interval, the server's memory, the interval's CPU shares. */
export interface Sample extends Interval, CpuShares {
  t: number;
  rssMiB: number;
}

/** What the run was asked to do, for the report's header. */
export interface SoakSettings {
  command: string;
  serverCmd: string;
  serverCore: number;
  loadCore: number;
  seconds: number;
  interval: number;
  warmup: number;
  game: GameConfig;
  /** Server RSS once every player had connected. */
  rssStartMiB: number;
}

/** RSS grows if the last third's mean is ≥ 10% and ≥ 4 MiB above the first third's. */
const RSS_GROWTH = { ratio: 1.1, mib: 4 };
/** p99 grows if the last third's mean is ≥ 1.5× and ≥ 2 ms above the first third's. */
const P99_GROWTH = { ratio: 1.5, ms: 2 };

const mean = (xs: number[]) => {
  const v = xs.filter(Number.isFinite);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN;
};

/** Least-squares slope of ys over xs. */
function slope(xs: number[], ys: number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let sxx = 0;
  let sxy = 0;
  xs.forEach((x, i) => {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * ((ys[i] as number) - my);
  });
  return sxx ? sxy / sxx : Number.NaN;
}

/** Renders the time series as Markdown. */
export function report(samples: Sample[], final: Final | null, s: SoakSettings): string {
  const g = s.game;
  const steady = samples.filter((x) => x.t > s.warmup);
  const third = Math.max(1, Math.floor(steady.length / 3));
  const first = steady.slice(0, third);
  const last = steady.slice(-third);
  const minutes = steady.map((x) => x.t / 60);
  const trend = (f: (x: Sample) => number) => ({
    first: mean(first.map(f)),
    last: mean(last.map(f)),
    slope: slope(minutes, steady.map(f)),
  });
  const rss = trend((x) => x.rssMiB);
  const p99 = trend((x) => x.p99Ms);
  const rssGrowing = rss.last >= rss.first * RSS_GROWTH.ratio && rss.last - rss.first >= RSS_GROWTH.mib;
  const p99Growing = p99.last >= p99.first * P99_GROWTH.ratio && p99.last - p99.first >= P99_GROWTH.ms;
  const sum = (f: (x: Sample) => number) => samples.reduce((a, x) => a + f(x), 0);
  const errors = sum((x) => x.errors) + (final?.errors ?? 0);
  const errorSamples = [...samples.flatMap((x) => x.errorSamples), ...(final?.errorSamples ?? [])].slice(
    0,
    5,
  );
  const recordsPerMin = steady.reduce((a, x) => a + x.placed, 0) / ((steady.length * s.interval) / 60);
  const loadBound = samples.filter((x) => x.loadPct >= 90).length;
  const growing = (yes: boolean) => (yes ? "**growing**" : "flat");

  return [
    "# Soak: the buzzer under a steady game",
    "",
    `\`${s.command}\` — ${stamp()}, ${s.seconds} s, sampled every ${s.interval} s, the first ${s.warmup} s ` +
      "a warm-up. What is measured and how to read it: [bench/README.md](../README.md#soak-benchsoakts).",
    "",
    `- server (core ${s.serverCore}): \`${s.serverCmd}\` (bench/servers.ts's command)`,
    `- players (one load process, core ${s.loadCore}): ${int(g.plain)} plain-text and ${int(g.json)} JSON ` +
      "(answering clock probes) in room MAIN, and the host",
    `- rounds: one every ${g.period / 1000} s; each player buzzes at random in its first ${g.spread / 1000} s, ` +
      `${g.mash * 100}% of them twice (${MASH_DELAY.min}–${MASH_DELAY.min + MASH_DELAY.range} ms later)`,
    `- churn after each round: plain-text players replaced ${g.churnPlain}, JSON players reconnecting with ` +
      `their token ${g.churnJson}`,
    "",
    `**Verdict: ${rssGrowing || p99Growing ? "growing" : "flat"}.** First third vs last third of the samples ` +
      `after the warm-up (${first.length} each):`,
    "",
    ...table(
      ["", "first third", "last third", "change", "slope /min", "verdict"],
      [
        [
          "server RSS (MiB)",
          f1(rss.first),
          f1(rss.last),
          `${rss.last >= rss.first ? "+" : ""}${f1(rss.last - rss.first)} (${f1(((rss.last - rss.first) / rss.first) * 100)}%)`,
          f2(rss.slope),
          `${growing(rssGrowing)} (growing: ≥ ${Math.round((RSS_GROWTH.ratio - 1) * 100)}% and ≥ ${RSS_GROWTH.mib} MiB)`,
        ],
        [
          "verdict p99 (ms)",
          f2(p99.first),
          f2(p99.last),
          `${p99.last >= p99.first ? "+" : ""}${f2(p99.last - p99.first)}`,
          f2(p99.slope),
          `${growing(p99Growing)} (growing: ≥ ${P99_GROWTH.ratio}× and ≥ ${P99_GROWTH.ms} ms)`,
        ],
      ],
    ),
    ...table(
      ["totals", ""],
      [
        ["rounds", int(sum((x) => x.rounds))],
        ["verdicts checked", int(sum((x) => x.verdicts))],
        ["errors", `${errors}${errorSamples.length ? ` — ${errorSamples.join("; ")}` : ""}`],
        ["server RSS once the players had connected (MiB)", f1(s.rssStartMiB)],
        ["players connected at the end", final ? int(final.playerCount) : "–"],
        ["fairness records kept in memory at the end", final ? int(final.records) : "–"],
        ["… as JSON lines (MiB)", final ? f1(final.logKiB / 1024) : "–"],
        ["fairness records added per minute (after the warm-up)", int(recordsPerMin)],
        [
          "RSS slope per record added (bytes)",
          rss.slope > 0 && recordsPerMin > 0 ? int((rss.slope * 1024 * 1024) / recordsPerMin) : "–",
        ],
        ["samples with the load process at ≥ 90% of its core", `${loadBound} of ${samples.length}`],
      ],
    ),
    "## Time series",
    "",
    ...table(
      [
        "t (s)",
        "rounds",
        "verdicts",
        "p50 (ms)",
        "p99 (ms)",
        "max (ms)",
        "JSON p99 (ms)",
        "server RSS (MiB)",
        "server CPU",
        "load CPU",
        "others",
        "players connected",
        "errors",
      ],
      samples.map((x) => [
        `${x.t}${x.t <= s.warmup ? " (warm-up)" : ""}`,
        int(x.rounds),
        int(x.verdicts),
        f2(x.p50Ms),
        f2(x.p99Ms),
        f2(x.maxMs),
        f2(x.jsonP99Ms),
        f1(x.rssMiB),
        `${f1(x.serverPct)}%`,
        `${f1(x.loadPct)}%`,
        `${f1(x.othersPct)}%`,
        int(x.playerCount),
        int(x.errors),
      ]),
    ),
  ].join("\n");
}
