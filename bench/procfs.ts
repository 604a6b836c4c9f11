/**
 * CPU time and memory: readers for /proc (a process's run time, its resident memory, the
 * machine's busy time), this process's own CPU, and CPU shares over a window between two marks.
 * Linux only; the bench pins servers and the load generator to cores and measures them from outside.
 */
import { readdirSync, readFileSync } from "node:fs";

let ticks: number | null = null;

/** Clock ticks per second (`getconf CLK_TCK`), the unit of utime and stime in /proc/PID/stat. */
export function clockTicks(): number {
  if (ticks === null) {
    const out = Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim();
    ticks = Number(out) > 0 ? Number(out) : 100;
  }
  return ticks;
}

/**
 * CPU seconds a process's threads have run so far, to the nanosecond: the sum of each thread's
 * /proc/PID/task/TID/schedstat. /proc/PID/stat counts in 10 ms ticks, 2 µs per buzz of a
 * 5,000-client burst: too coarse to compare one burst with another. A thread that ends between two
 * readings takes its time with it (the servers measured keep their threads); where schedstat is
 * missing (a kernel without it), utime + stime from /proc/PID/stat.
 */
export function cpuSeconds(pid: number): number {
  return threadCpu(pid).total;
}

/**
 * A process's CPU seconds so far, in all (as cpuSeconds) and by thread name: `main` for the event
 * loop's thread, then the runtime's own (Bun's `JITWorker` compiles JavaScript, `JSCWarmUp` faults in
 * fresh memory for the collector's heap, `HeapHelper` marks it, `mi-scavenger` gives freed memory
 * back); numbered ones (`Bun Pool 0`, `Bun Pool 1`) count as one. A server pinned to one core runs
 * them all there: what they take is time its event loop waits.
 */
export function threadCpu(pid: number): { total: number; threads: Record<string, number> } {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
    readFileSync(`/proc/${pid}/schedstat`);
  } catch {
    const total = statSeconds(pid);
    return { total, threads: { main: total } };
  }
  const threads: Record<string, number> = {};
  let total = 0;
  for (const tid of tasks) {
    try {
      const seconds = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]) / 1e9;
      const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim();
      const name = tid === String(pid) ? "main" : comm.replace(/ \d+$/, "");
      threads[name] = (threads[name] ?? 0) + seconds;
      total += seconds;
    } catch {
      // The thread ended after the listing.
    }
  }
  return { total, threads };
}

/** CPU seconds a process has used so far (all its threads, user + system), from /proc/PID/stat. */
function statSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the name, field 3 (state) is index 0, so utime (14) and stime (15) are 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

/** Resident memory of a process in KiB (VmRSS in /proc/PID/status). */
export function rssKiB(pid: number): number {
  return statusKiB(pid, "VmRSS");
}

/**
 * The anonymous part of a process's resident memory in KiB (RssAnon): its heaps and compiled code,
 * without the pages of its executable, which a process faults in as it first runs code and which
 * are not the memory of any connection.
 */
export function anonKiB(pid: number): number {
  return statusKiB(pid, "RssAnon");
}

function statusKiB(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = status.match(new RegExp(`^${field}:\\s+(\\d+) kB$`, "m"));
  if (!match) throw new Error(`no ${field} for pid ${pid}`);
  return Number(match[1]);
}

/** CPU seconds every process on the machine has used since boot (all cores; busy, not idle or iowait). */
function machineCpuSeconds(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] as string;
  // cpu user nice system idle iowait irq softirq steal …: busy is all but idle and iowait.
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return (
    ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / clockTicks()
  );
}

/** CPU seconds this process has used (user + system). */
export function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** CPU time at a window edge: when, the server's, the load side's (this process and `loadPids`), the machine's. */
export interface CpuMark {
  t: number;
  server: number;
  /** The server's CPU seconds by thread (see threadCpu); empty without a server pid. */
  serverThreads: Record<string, number>;
  load: number;
  machine: number;
}

/** Marks a window edge; without a server pid its time is NaN, and load processes that have exited count 0. */
export function cpuMark(serverPid: number | null, loadPids: number[] = []): CpuMark {
  let load = ownCpuSeconds();
  for (const pid of loadPids) {
    try {
      load += cpuSeconds(pid);
    } catch {}
  }
  const server = serverPid === null ? { total: Number.NaN, threads: {} } : threadCpu(serverPid);
  return {
    t: performance.now(),
    server: server.total,
    serverThreads: server.threads,
    load,
    machine: machineCpuSeconds(),
  };
}

/** A window's length and each side's CPU as % of one core; `others` is the rest of the machine (other users). */
export interface CpuShares {
  seconds: number;
  serverPct: number;
  loadPct: number;
  othersPct: number;
}

/** The server's CPU seconds by thread between two marks (a thread started between them counts from 0). */
export function threadsBetween(a: CpuMark, b: CpuMark): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, seconds] of Object.entries(b.serverThreads))
    out[name] = seconds - (a.serverThreads[name] ?? 0);
  return out;
}

/** The CPU shares between two marks. */
export function cpuShares(a: CpuMark, b: CpuMark): CpuShares {
  const seconds = (b.t - a.t) / 1000;
  const server = b.server - a.server;
  const load = b.load - a.load;
  return {
    seconds,
    serverPct: (server / seconds) * 100,
    loadPct: (load / seconds) * 100,
    othersPct: (Math.max(0, b.machine - a.machine - server - load) / seconds) * 100,
  };
}
