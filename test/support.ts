import { RedisClient, type Subprocess } from "bun";

/** The project's root folder, so tests can spawn its scripts by path. */
export const ROOT = new URL("..", import.meta.url).pathname;

/** A running script: its process and everything it has printed so far. */
export interface Running {
  proc: Subprocess<"pipe", "pipe", "pipe">;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout, or rejects after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number>;
}

function collect(stream: ReadableStream<Uint8Array>, sink: { text: string }, changed: () => void) {
  (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      sink.text += decoder.decode(chunk, { stream: true });
      changed();
    }
  })();
}

/** Spawns `cmd` (the first element is the program) with piped stdio, collecting its output. */
export function spawn(cmd: string[], env: Record<string, string> = {}): Running {
  const proc = Bun.spawn(cmd, {
    cwd: ROOT,
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  const out = { text: "" };
  const err = { text: "" };
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const w of waiters) w();
  };
  collect(proc.stdout, out, changed);
  collect(proc.stderr, err, changed);
  proc.exited.then(changed);
  return {
    proc,
    stdout: () => out.text,
    stderr: () => err.text,
    waitFor(pattern, ms = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = out.text.match(pattern);
          if (match) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(match);
          } else if (proc.exitCode !== null || proc.signalCode) {
            waiters.delete(check);
            clearTimeout(timer);
            reject(new Error(`exited before ${pattern}: stdout=${out.text} stderr=${err.text}`));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${pattern}: stdout=${out.text} stderr=${err.text}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    async stop() {
      proc.kill("SIGTERM");
      return proc.exited;
    },
  };
}

/** Spawns a Bun script of the project with arguments. */
export function bun(script: string, args: string[] = [], env?: Record<string, string>): Running {
  return spawn([process.execPath, script, ...args], env);
}

/** A server script running on a free port: its port and its WebSocket URL. */
export type Server = Running & { port: number; url: string };

/** Starts a server script on a free port and resolves once it prints its start line. */
export async function startServer(script: string, args: string[] = []): Promise<Server> {
  const running = bun(script, ["--port", "0", ...args]);
  const [, url, port] = await running.waitFor(/Server started on (ws:\/\/[^\s]+:(\d+))/);
  return { ...running, url: url as string, port: Number(port) };
}

/** Runs a script to the end with optional stdin text; resolves with exit code and output. */
export async function run(
  cmd: string[],
  stdin = "",
): Promise<{ code: number; stdout: string; stderr: string }> {
  const running = spawn(cmd);
  running.proc.stdin.write(stdin);
  running.proc.stdin.end();
  const code = await running.proc.exited;
  // Let the output collectors drain the last chunks.
  await Bun.sleep(10);
  return { code, stdout: running.stdout(), stderr: running.stderr() };
}

/** Debian's python3 with python3-websockets (the pyenv python3 on PATH may lack it). */
export const PYTHON = "/usr/bin/python3";

/** Whether Debian's python3-websockets is installed; CI installs it, so there it is required. */
export function hasPythonWebsockets(): boolean {
  const ok = Bun.spawnSync([PYTHON, "-c", "import websockets"]).exitCode === 0;
  if (!ok && process.env.CI)
    throw new Error("python3-websockets is required in CI (apt-get install python3-websockets)");
  return ok;
}

/** A script running in a pseudo-terminal: what it printed, and keys to type into it. */
export interface InTerminal {
  proc: ReturnType<typeof Bun.spawn>;
  output(): string;
  type(keys: string): void;
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
}

/** Spawns a Bun script of the project in a pseudo-terminal (stdin is a TTY, so raw mode works). */
export function inTerminal(script: string, args: string[] = []): InTerminal {
  let out = "";
  const decoder = new TextDecoder();
  const proc = Bun.spawn([process.execPath, script, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    terminal: {
      cols: 120,
      rows: 40,
      data(_term, bytes) {
        out += decoder.decode(bytes, { stream: true });
      },
    },
  });
  return {
    proc,
    output: () => out,
    type: (keys) => proc.terminal?.write(keys),
    async waitFor(pattern, ms = 5000) {
      const until = performance.now() + ms;
      while (performance.now() < until) {
        const match = out.match(pattern);
        if (match) return match;
        await Bun.sleep(10);
      }
      throw new Error(`timed out waiting for ${pattern}: ${JSON.stringify(out.slice(-500))}`);
    },
  };
}

/** Whether Debian's redis-server is installed; CI installs it, so there it is required. */
export function hasRedis(): boolean {
  const ok = Bun.which("redis-server") !== null;
  if (!ok && process.env.CI) throw new Error("redis-server is required in CI (apt-get install redis-server)");
  return ok;
}

/**
 * A real redis-server on a free port (or `port`, to restart one), keeping nothing on disk unless
 * given a `dir` (then `SHUTDOWN SAVE` keeps its data there for the next start); resolves once it
 * accepts connections.
 */
export async function startRedis(
  options: { port?: number; dir?: string } = {},
): Promise<Running & { url: string; port: number }> {
  const port = options.port ?? (await freePort());
  const disk = options.dir ? ["--dir", options.dir] : [];
  const running = spawn([
    "redis-server",
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    ...disk,
  ]);
  await running.waitFor(/Ready to accept connections/);
  return { ...running, url: `redis://127.0.0.1:${port}`, port };
}

/** Sends one command to a test's redis-server as its operator would (a client of its own). */
export async function redisAdmin(url: string, command: string, args: string[] = []): Promise<unknown> {
  const client = new RedisClient(url);
  try {
    return await client.send(command, args);
  } finally {
    client.close();
  }
}

/** A TCP port free on loopback right now. */
export async function freePort(): Promise<number> {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = listener;
  listener.stop(true);
  return port;
}
