/** The load generator as the bench runs it, for the bench's tests. */
import type { LoadResult } from "../../bench/load_result.ts";
import { ROOT } from "../support.ts";

/** Runs the load generator as the bench does (its own process, 15 s at most) and parses its JSON line. */
export async function load(url: string, args: string[]): Promise<LoadResult> {
  const proc = Bun.spawn([process.execPath, "bench/load.ts", "--url", url, ...args, "--limit", "15"], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  await proc.exited;
  const line = out.trim().split("\n").at(-1) ?? "";
  if (!line.startsWith("{")) throw new Error(`load.ts printed no result: ${out}${err}`);
  return JSON.parse(line) as LoadResult;
}
