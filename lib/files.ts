import { readFileSync } from "node:fs";

/** This process's limit on open files (sockets count), from /proc; `fallback` where it cannot be read. */
export function openFileLimit(fallback = 1024): number {
  try {
    const line = readFileSync("/proc/self/limits", "utf8").match(/^Max open files\s+(\d+)\s+(\d+)/m);
    return line ? Math.min(Number(line[1]), Number(line[2])) : fallback;
  } catch {
    return fallback;
  }
}
