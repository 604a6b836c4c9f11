/** Terminal shell: raw-mode keys with their event time, colour, and a restorable terminal. */

/** Ctrl+C: raw mode delivers it as a byte instead of a SIGINT, so we handle it ourselves. */
export const CTRL_C = "\x03";

/** Whether to colour output: a TTY, and NO_COLOR unset (https://no-color.org). */
export function useColour(stream: { isTTY?: boolean } = process.stdout): boolean {
  return !!stream.isTTY && !process.env.NO_COLOR && process.env.TERM !== "dumb";
}

/** ANSI colour wrappers that fall back to plain text when colour is off. */
export function palette(on: boolean) {
  const wrap = (code: number) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { bold: wrap(1), dim: wrap(2), red: wrap(31), green: wrap(32), yellow: wrap(33), cyan: wrap(36) };
}

/**
 * Reads stdin key by key: raw mode on a TTY (restored on exit), chunks as they come from a pipe.
 * Each key is passed with performance.now() taken as the bytes arrive, the closest we get to the
 * key event. Returns a function that stops reading and restores the terminal.
 */
export function readKeys(onKey: (key: string, at: number) => void, onEnd: () => void): () => void {
  const stdin = process.stdin;
  const raw = !!stdin.isTTY;
  if (raw) stdin.setRawMode(true);
  const restore = () => {
    if (raw && stdin.isTTY) stdin.setRawMode(false);
  };
  process.once("exit", restore);
  const onData = (chunk: Buffer) => {
    const at = performance.now();
    for (const key of chunk.toString("utf8")) onKey(key, at);
  };
  stdin.on("data", onData);
  stdin.once("end", onEnd);
  stdin.resume();
  return () => {
    stdin.off("data", onData);
    stdin.pause();
    restore();
  };
}
