/** A bench worker: a script re-run as its own process (pinned to a core, or not), driven by lines on stdin. */
import { ROOT, started } from "./servers.ts";

/** A worker process answering JSON lines on stdout; tracked so the bench kills it on any exit. */
export class Worker {
  readonly proc;
  private readonly lines: string[] = [];
  private wake: (() => void) | null = null;
  private ended = false;
  private err = "";

  constructor(
    readonly name: string,
    script: string,
    args: string[],
    core: number | null,
  ) {
    const cmd = [process.execPath, script, ...args];
    const proc = Bun.spawn(core === null ? cmd : ["taskset", "-c", String(core), ...cmd], {
      cwd: ROOT,
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
    this.proc = proc;
    started.add(proc);
    proc.exited.then(() => started.delete(proc));
    (async () => {
      const decoder = new TextDecoder();
      let buf = "";
      for await (const chunk of proc.stdout) {
        buf += decoder.decode(chunk, { stream: true });
        let i = buf.indexOf("\n");
        while (i >= 0) {
          this.lines.push(buf.slice(0, i));
          buf = buf.slice(i + 1);
          i = buf.indexOf("\n");
        }
        this.wake?.();
      }
      this.ended = true;
      this.wake?.();
    })();
    (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of proc.stderr) this.err = (this.err + decoder.decode(chunk)).slice(-4000);
    })();
  }

  get pid(): number {
    return this.proc.pid;
  }

  /** Sends one command line (nothing if the worker has exited). */
  send(cmd: string): void {
    if (this.proc.exitCode !== null) return;
    this.proc.stdin.write(`${cmd}\n`);
    this.proc.stdin.flush();
  }

  /** The next JSON line, or an error after `ms` or if the worker ended. */
  async json<T>(ms: number): Promise<T> {
    const end = performance.now() + ms;
    while (this.lines.length === 0) {
      if (this.ended) throw new Error(`${this.name} worker ended: ${this.err.trim().slice(-800)}`);
      const left = end - performance.now();
      if (left <= 0) throw new Error(`${this.name} worker: no answer within ${ms / 1000}s`);
      await Promise.race([
        new Promise<void>((resolve) => {
          this.wake = resolve;
        }),
        Bun.sleep(Math.min(left, 250)),
      ]);
    }
    return JSON.parse(this.lines.shift() as string) as T;
  }

  /** Asks the worker to close its connections and exit; kills it if it does not. */
  async quit<T>(): Promise<T | null> {
    this.send("quit");
    let out: T | null = null;
    try {
      out = await this.json<T>(5000);
    } catch {}
    const exited = await Promise.race([this.proc.exited.then(() => true), Bun.sleep(2000).then(() => false)]);
    if (!exited) this.proc.kill("SIGKILL");
    return out;
  }

  /** Kills the worker at once. */
  kill(): void {
    if (this.proc.exitCode === null) this.proc.kill("SIGKILL");
  }
}
