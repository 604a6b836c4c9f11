/** The runner's summaries: each server's repeats of a scenario merged into medians and spreads. */
import type { LoadResult } from "./load_result.ts";
import type { ServerSpec } from "./servers.ts";
import { spread } from "./stats.ts";
import type { ScenarioSummary, ServerSummary } from "./summary.ts";

/** One repeat as the runner keeps it in latest.json. */
export interface Raw {
  server: string;
  rep: number;
  result: LoadResult;
  serverCpuTotalSec: number;
}

/** What limited a measurement, from the CPU shares of the server, the load generator and others. */
export function bound(server: number, loadGen: number, others: number): string {
  if (server >= 0.9 && loadGen >= 0.9) return "both";
  if (server >= 0.9) return "server";
  if (loadGen >= 0.9) return "load generator";
  if (others >= 0.3) return "contended";
  return "neither";
}

function mostCommon(labels: string[]): string {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";
}

/** How a scenario's runs are summarized: its figures per run, what bound each, servers left out. */
export interface SummaryOf {
  metrics: (r: LoadResult) => Record<string, number[]>;
  boundOf?: (r: LoadResult) => string[];
  skipped?: Partial<Record<string, string>>;
}

/** One scenario's runs, per server in `specs`: medians and spreads of each figure, errors, what bound it. */
export function summarize(
  key: string,
  title: string,
  runs: Raw[],
  specs: ServerSpec[],
  { metrics, boundOf, skipped = {} }: SummaryOf,
): ScenarioSummary {
  const out: ServerSummary[] = specs.map((spec) => {
    const mine = runs.filter((r) => r.server === spec.id);
    const merged: Record<string, number[]> = {};
    for (const r of mine) {
      if (!r.result.ok) continue;
      for (const [m, v] of Object.entries(metrics(r.result))) merged[m] = [...(merged[m] ?? []), ...v];
    }
    return {
      server: spec.id,
      label: spec.label,
      ok: mine.length > 0 && mine.every((r) => r.result.ok),
      errors: mine.reduce((a, r) => a + r.result.errors, 0),
      errorSamples: mine.flatMap((r) => r.result.errorSamples).slice(0, 5),
      ...(skipped[spec.id] ? { skipped: skipped[spec.id] } : {}),
      metrics: Object.fromEntries(Object.entries(merged).map(([m, v]) => [m, spread(v)])),
      ...(boundOf
        ? { bound: mostCommon(mine.filter((r) => r.result.ok).flatMap((r) => boundOf(r.result))) }
        : {}),
    };
  });
  return { key, title, servers: out };
}
