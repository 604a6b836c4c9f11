/**
 * One measurement of the runner's: a fresh server pinned to its core, one load generator run
 * against it pinned to the other, and the server's CPU around it.
 */
import { LOAD_CORE, SERVER_CORE } from "./harness.ts";
import { type LoadResult, newResult, type Scenario } from "./load_result.ts";
import { cpuSeconds } from "./procfs.ts";
import { type Mode, type ServerSpec, spawnTracked, startServer } from "./servers.ts";

/** Loopback addresses the load generator spreads connections over (servers listen on 0.0.0.0). */
export const SPREAD = 4;

/** A load generator's result, and the server's CPU over the whole run, in seconds. */
export interface Measured {
  result: LoadResult;
  serverCpuTotalSec: number;
}

/** Runs the load generator pinned to its core and returns its JSON line. */
async function load(args: string[], limitSec: number): Promise<LoadResult> {
  const proc = spawnTracked(
    [process.execPath, "bench/load.ts", ...args, "--limit", String(limitSec)],
    LOAD_CORE,
  );
  const killer = setTimeout(() => proc.kill("SIGKILL"), (limitSec + 20) * 1000);
  const [out, err] = await Promise.all([
    new Response(proc.stdout as ReadableStream).text(),
    new Response(proc.stderr as ReadableStream).text(),
  ]);
  await proc.exited;
  clearTimeout(killer);
  const line = out.trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(line) as LoadResult;
  } catch {
    throw new Error(`the load generator printed no result: ${(err || out).slice(0, 500)}`);
  }
}

/** One measurement: a fresh server, one load generator run against it, the server's CPU around it. */
export async function measure(
  spec: ServerSpec,
  mode: Mode,
  args: string[],
  limitSec: number,
): Promise<Measured> {
  const server = await startServer(spec, mode, SERVER_CORE);
  try {
    const before = cpuSeconds(server.pid);
    const result = await load(
      ["--url", server.url, "--pid", String(server.pid), "--spread", String(SPREAD), ...args],
      limitSec,
    );
    const serverCpuTotalSec = cpuSeconds(server.pid) - before;
    if (server.proc.exitCode !== null) throw new Error(`server exited: ${server.output().slice(-500)}`);
    return { result, serverCpuTotalSec };
  } finally {
    await server.stop();
  }
}

/** A run that could not be made: nothing measured, the reason kept as its one error. */
export function failed(scenario: Scenario, conns: number, e: unknown): LoadResult {
  return { ...newResult(scenario, "", conns), errors: 1, errorSamples: [(e as Error).message] };
}
