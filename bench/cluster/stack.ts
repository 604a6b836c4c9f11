/**
 * What the cluster bench runs on: a redis-server of its own, N buzzer processes on one port
 * (`--redis --reuse-port`, or one process without Redis), and how many connections each holds.
 */
import { readdirSync, readlinkSync } from "node:fs";
import { RedisClient } from "bun";
import { now, sleep } from "../harness.ts";
import {
  type RunningServer,
  SECRET,
  SERVERS,
  type ServerSpec,
  spawnTracked,
  startServer,
} from "../servers.ts";

/** Milliseconds on the wall clock, comparable between processes on one machine. */
export const wall = (): number => performance.timeOrigin + now();

/** A started redis-server: its URL and process. */
export interface Redis {
  url: string;
  pid: number;
  stop(): void;
}

/** A TCP port free on every address right now (the servers listen on 0.0.0.0). */
export function freePort(): number {
  const listener = Bun.listen({ hostname: "0.0.0.0", port: 0, socket: { data() {} } });
  const { port } = listener;
  listener.stop(true);
  return port;
}

/** Starts redis-server on a free loopback port, keeping nothing on disk; resolves once it answers. */
export async function startRedis(): Promise<Redis> {
  const port = freePort();
  const proc = spawnTracked(
    ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    null,
    "ignore",
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) break;
    const client = new RedisClient(url, { autoReconnect: false });
    try {
      await client.connect();
      client.close();
      return { url, pid: proc.pid, stop: () => proc.kill("SIGKILL") };
    } catch {
      await sleep(50);
    }
  }
  proc.kill("SIGKILL");
  throw new Error(`redis-server did not start on port ${port}`);
}

/** Our buzzer as the bench runs it, on `port`, with `extra` options (--redis URL --reuse-port). */
function member(port: number, extra: string[]): ServerSpec {
  const ours = SERVERS.find((s) => s.id === "ours") as ServerSpec;
  return {
    ...ours,
    command: (mode, host) => {
      const cmd = ours.command(mode, host);
      cmd[cmd.indexOf("--port") + 1] = String(port);
      return [...cmd, ...extra];
    },
  };
}

/** The command line of one server process, for the report (secret elided). */
export function serverCommand(redis: boolean): string {
  const extra = redis ? ["--redis", "redis://127.0.0.1:PORT", "--reuse-port"] : [];
  return member(0, extra)
    .command("buzzer", "0.0.0.0")
    .slice(1)
    .join(" ")
    .replace(SECRET, "…")
    .replace("--port 0", "--port P");
}

/** Starts `count` processes on one free port: with Redis they share rooms, without it there must be one. */
export async function startServers(count: number, redisUrl: string | null): Promise<RunningServer[]> {
  if (!redisUrl && count !== 1) throw new Error("without Redis there is one process");
  const port = freePort();
  const spec = member(port, redisUrl ? ["--redis", redisUrl, "--reuse-port"] : []);
  const out: RunningServer[] = [];
  try {
    // One after the other: each binds the port only once the one before is listening.
    for (let i = 0; i < count; i++) out.push(await startServer(spec, "buzzer", null));
  } catch (e) {
    await Promise.all(out.map((s) => s.stop()));
    throw e;
  }
  return out;
}

/** Sockets a process holds (TCP connections and its listener), from /proc/PID/fd. */
export function sockets(pid: number): number {
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith("socket:")) n++;
    } catch {}
  }
  return n;
}
