/**
 * The servers the bench compares and how to start and stop them: ours and the three references,
 * each its own process, optionally pinned to a core with taskset.
 */
import type { Subprocess } from "bun";

/** The project's root folder. */
export const ROOT = new URL("..", import.meta.url).pathname;
/** Debian's python3 with python3-websockets (the pyenv python3 on PATH may lack it). */
export const PYTHON = "/usr/bin/python3";
/** The default room's secret our buzzer is started with, so the load generator can host rounds. */
export const SECRET = "bench-secret";

/** The two protocols: the greeting and the plain-text buzzer. */
export type Mode = "greet" | "buzzer";
/** Which server: ours, bare Bun, Node.js + ws, Python websockets, bare Bun with a fair window, a bare room. */
export type ServerId = "ours" | "bare" | "node" | "python" | "fair" | "room";

/** A server the bench can start in either mode. */
export interface ServerSpec {
  id: ServerId;
  label: string;
  /** The command line for a mode, listening on HOST with a free port. */
  command(mode: Mode, host: string): string[];
  /** How the load generator starts a new buzzer round (load.ts --control). */
  control: string;
}

const bun = process.execPath;

/** The four servers, ours first and bare Bun (the reference of every ratio) second. */
export const SERVERS: ServerSpec[] = [
  {
    id: "ours",
    label: "ours",
    command: (mode, host) =>
      mode === "greet"
        ? [bun, "server.ts", "--quiet", "--host", host, "--port", "0"]
        : // Thousands of clients come from a few loopback addresses here, not one player each.
          [
            bun,
            "buzzer/buzzer_server.ts",
            "--quiet",
            "--secret",
            SECRET,
            "--joins-per-address",
            "100000",
            "--connections-per-address",
            "100000",
            "--host",
            host,
            "--port",
            "0",
          ],
    control: `host:${SECRET}`,
  },
  {
    id: "bare",
    label: "bare Bun",
    command: (mode, host) => [
      bun,
      "bench/reference/bare_bun.ts",
      "--mode",
      mode,
      "--host",
      host,
      "--port",
      "0",
    ],
    control: "plain",
  },
  {
    id: "node",
    label: "Node+ws",
    command: (mode, host) => [
      "node",
      "bench/reference/node_ws.mjs",
      "--mode",
      mode,
      "--host",
      host,
      "--port",
      "0",
    ],
    control: "plain",
  },
  {
    id: "python",
    label: "Python",
    command: (mode, host) => [
      PYTHON,
      "bench/reference/python_server.py",
      "--mode",
      mode,
      "--host",
      host,
      "--port",
      "0",
      "--quiet",
    ],
    control: "plain",
  },
];

/** The leanest fair buzzer on bare Bun (bench/reference/bare_fair.ts), measured in the bursts beside the four. */
export const BARE_FAIR: ServerSpec = {
  id: "fair",
  label: "bare fair",
  command: (_mode, host) => [bun, "bench/reference/bare_fair.ts", "--host", host, "--port", "0"],
  control: "plain",
};

/** The leanest room of phones on bare Bun (bench/reference/bare_room.ts), beside ours in the big-room scenario. */
export const BARE_ROOM: ServerSpec = {
  id: "room",
  label: "bare room",
  command: (_mode, host) => [
    bun,
    "bench/reference/bare_room.ts",
    "--secret",
    SECRET,
    "--host",
    host,
    "--port",
    "0",
  ],
  control: `host:${SECRET}`,
};

/** A started server: its process id (for /proc), the URL to connect to, and how to stop it. */
export interface RunningServer {
  pid: number;
  url: string;
  proc: Subprocess;
  /** What it printed on stdout and stderr (the last part). */
  output(): string;
  stop(): Promise<void>;
}

/** Every process the bench has started and not yet seen exit, so it can kill them on any exit. */
export const started = new Set<Subprocess>();

/** Kills every process the bench started that is still running (SIGKILL: the bench is ending). */
export function killAll(): void {
  for (const p of started) if (p.exitCode === null && !p.killed) p.kill("SIGKILL");
  started.clear();
}

/** Makes sure no server or worker outlives `program`: kills them on exit, signals and crashes. */
export function killOnExit(program: string): void {
  process.on("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
  for (const event of ["uncaughtException", "unhandledRejection"] as const) {
    process.on(event, (e: unknown) => {
      console.error(`${program}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      killAll();
      process.exit(1);
    });
  }
}

/** Spawns a command, optionally pinned to `core`, and tracks it until it exits. */
export function spawnTracked(
  cmd: string[],
  core: number | null,
  stdout: "pipe" | "ignore" = "pipe",
): Subprocess {
  const argv = core === null ? cmd : ["taskset", "-c", String(core), ...cmd];
  const proc = Bun.spawn(argv, { cwd: ROOT, stdin: "ignore", stdout, stderr: "pipe", env: process.env });
  started.add(proc);
  proc.exited.then(() => started.delete(proc));
  return proc;
}

/**
 * Starts a server on a free port and resolves when it prints its start line. It listens on
 * `host`; clients connect to 127.0.0.1 (0.0.0.0 lets the load generator spread over 127.0.0.x).
 */
export async function startServer(spec: ServerSpec, mode: Mode, core: number | null, host = "0.0.0.0") {
  const proc = spawnTracked(spec.command(mode, host), core);
  let out = "";
  let err = "";
  // Drain stderr so a server that logs errors never blocks on a full pipe.
  (async () => {
    for await (const chunk of proc.stderr as ReadableStream<Uint8Array>) {
      err = (err + new TextDecoder().decode(chunk)).slice(-20_000);
    }
  })();
  const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const deadline = setTimeout(() => proc.kill("SIGKILL"), 20_000);
  let match: RegExpMatchArray | null = null;
  while (!match) {
    const { value, done } = await reader.read();
    if (done) break;
    out += decoder.decode(value, { stream: true });
    match = out.match(/Server started on ws:\/\/\S+:(\d+)/);
  }
  clearTimeout(deadline);
  if (!match) {
    await proc.exited;
    throw new Error(`${spec.label} (${mode}) did not start: ${out}${err}`);
  }
  // Keep reading so a chatty server never blocks on a full pipe.
  (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      out += decoder.decode(value, { stream: true });
      if (out.length > 100_000) out = out.slice(-50_000);
    }
  })();
  const server: RunningServer = {
    pid: proc.pid,
    url: `ws://127.0.0.1:${match[1]}`,
    proc,
    output: () => out + err,
    async stop() {
      if (proc.exitCode !== null) return;
      proc.kill("SIGTERM");
      const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(3000).then(() => false)]);
      if (!exited) proc.kill("SIGKILL");
      await proc.exited;
    },
  };
  return server;
}
