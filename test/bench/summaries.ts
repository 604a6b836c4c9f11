/** Summaries for the bench's report tests. */
import type { ServerId } from "../../bench/servers.ts";
import type { ServerSummary } from "../../bench/summary.ts";

/** A server's summary with only its median CPU per buzz and, for a room, its median last verdict. */
export function server(id: ServerId, cpuUs: number, timeMs?: number): ServerSummary {
  const one = (x: number) => ({ median: x, min: x, max: x, n: 1 });
  const metrics = { cpuUs: one(cpuUs), ...(timeMs !== undefined && { timeMs: one(timeMs) }) };
  return { server: id, label: id, ok: true, errors: 0, errorSamples: [], metrics };
}
