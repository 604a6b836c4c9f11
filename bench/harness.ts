/**
 * Plumbing the benches share: the cores they pin to, waiting, worker processes' commands and
 * config, error counts, number options, the time limit and the report file.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { numberOption, type Parsed } from "../lib/options.ts";
import { killAll, killOnExit, ROOT } from "./servers.ts";

/** The core servers are pinned to. */
export const SERVER_CORE = 0;
/** The core load generators and workers are pinned to. */
export const LOAD_CORE = 1;

/** Milliseconds on the monotonic clock. */
export const now = (): number => performance.now();

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => Bun.sleep(ms);

/** Waits until `done()` holds or `ms` pass, polling every `step` ms; returns whether it holds. */
export async function until(done: () => boolean, ms: number, step = 2): Promise<boolean> {
  const end = now() + ms;
  while (!done()) {
    if (now() > end) return false;
    await sleep(step);
  }
  return true;
}

/** Counts errors and keeps the first few messages for the report. */
export class ErrorLog {
  count = 0;
  samples: string[] = [];

  constructor(private readonly keep = 5) {}

  /** Counts one error (bound, so it can be handed out as a callback). */
  readonly add = (message: string): void => {
    this.count++;
    if (this.samples.length < this.keep) this.samples.push(message);
  };

  /** The errors so far, and a fresh start: for reports per interval. */
  take(): { errors: number; errorSamples: string[] } {
    const out = { errors: this.count, errorSamples: this.samples };
    this.count = 0;
    this.samples = [];
    return out;
  }
}

/** Runs `open` `count` times with at most `width` in flight; failures are counted, not thrown. */
export async function openPooled<T>(
  count: number,
  width: number,
  open: () => Promise<T>,
  fail: (message: string) => void,
): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next++;
      try {
        out.push(await open());
      } catch (e) {
        fail((e as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, lane));
  return out;
}

/** Reads number options within their bounds, else one line and exit 2. */
export function numbers<K extends string>(
  program: string,
  values: Parsed["values"],
  bounds: Record<K, [min: number, max: number]>,
): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const [name, [min, max]] of Object.entries(bounds) as [K, [number, number]][]) {
    out[name] = numberOption(program, name, values[name], min, max);
  }
  return out;
}

/** Kills every process `program` started when it ends, and ends everything after `limitSec`. */
export function guard(program: string, limitSec: number): void {
  killOnExit(program);
  setTimeout(() => {
    console.error(`${program}: hit the ${limitSec}s time limit; stopping everything`);
    killAll();
    process.exit(1);
  }, limitSec * 1000).unref();
}

/** Writes a report (`path` relative to the project root), prints it, and exits. */
export function publish(path: string, markdown: string): never {
  const file = resolve(ROOT, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, markdown);
  console.log(markdown);
  console.error(`wrote ${path}`);
  killAll();
  process.exit(0);
}

/** The config a worker process was started with: its one argument, JSON. */
export function workerConfig<T>(): T {
  return JSON.parse(process.argv[2] ?? "null") as T;
}

/** Prints one JSON line on stdout: how a worker answers. */
export function emit(obj: unknown): void {
  console.log(JSON.stringify(obj));
}

/** Answers one-line commands from stdin; stdin closing (the orchestrator died) ends the worker. */
export async function commands(handle: (cmd: string) => Promise<void> | void): Promise<never> {
  for await (const line of console) {
    const cmd = line.trim();
    if (cmd) await handle(cmd);
  }
  process.exit(1);
}
