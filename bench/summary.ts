/** What a bench run found, per scenario and server: the shape run.ts builds and report.ts renders. */
import type { ServerId } from "./servers.ts";
import type { Spread } from "./stats.ts";

/** One server's results in one scenario: each metric's median and spread over the repeats. */
export interface ServerSummary {
  server: ServerId;
  label: string;
  /** Every repeat verified every reply. */
  ok: boolean;
  errors: number;
  errorSamples: string[];
  /** Why this server was not measured here, if it was not. */
  skipped?: string;
  metrics: Record<string, Spread>;
  /** What limited the measurement (most repeats): server, load generator, both, contended, neither. */
  bound?: string;
}

/** One scenario (or burst size) across the servers. */
export interface ScenarioSummary {
  key: string;
  title: string;
  servers: ServerSummary[];
}

/** Everything a run found, plus how it was run. */
export interface RunSummary {
  meta: Record<string, string | number | boolean>;
  windows: ScenarioSummary[];
  bursts: ScenarioSummary[];
  /** Big rooms of JSON players: ours and the bare room (absent in runs from before the scenario). */
  rooms?: ScenarioSummary[];
  idle: ScenarioSummary;
  fairness: string;
}

/** The median of a metric divided by bare Bun's median in the same scenario (NaN if missing). */
export function ratio(scenario: ScenarioSummary, server: ServerSummary, metric: string): number {
  const bare = scenario.servers.find((s) => s.server === "bare");
  const a = server.metrics[metric]?.median ?? Number.NaN;
  const b = bare?.metrics[metric]?.median ?? Number.NaN;
  return a / b;
}
