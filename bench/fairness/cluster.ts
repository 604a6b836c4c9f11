/**
 * The fairness harness across processes: several buzzer server processes sharing rooms through a
 * real redis-server (started here on a free port), each keeping a fairness log the harness reads.
 * Their times are on the wall clock, which the harness reads too (performance.timeOrigin + now).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FairnessRecord } from "../../buzzer/room/records.ts";
import { startRedis, startServer } from "../../test/support.ts";

/** Starts redis-server and `processes` buzzer servers on it; their URLs, their records, and a stop. */
export async function startCluster(processes: number, secret: string, maxWait: number) {
  const redis = await startRedis();
  const dir = mkdtempSync(join(tmpdir(), "fairness-"));
  const logs = Array.from({ length: processes }, (_, i) => join(dir, `records-${i}.jsonl`));
  const servers = await Promise.all(
    logs.map((log) =>
      startServer("buzzer/buzzer_server.ts", [
        ...["--host", "127.0.0.1", "--quiet", "--redis", redis.url, "--secret", secret],
        ...["--max-wait", String(maxWait), "--fairness-log", log, "--joins-per-address", "10000"],
      ]),
    ),
  );
  return {
    urls: servers.map((s) => s.url),
    /** Every record written so far, by every process. */
    records(): FairnessRecord[] {
      // Only whole lines: a process may be writing the next one right now.
      return logs.flatMap((log) =>
        readFileSync(log, "utf8")
          .split("\n")
          .slice(0, -1)
          .map((line) => JSON.parse(line) as FairnessRecord),
      );
    },
    async stop() {
      await Promise.all(servers.map((s) => s.stop()));
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
