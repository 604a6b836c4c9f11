/** Terminal shell: raw-mode keys with their event time, colour, a status line, restorable raw mode. */

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

/** Printed lines, with a status line kept below them on a TTY (plain lines only elsewhere). */
export interface Screen {
  /** Prints one line above the status line. */
  line(text: string): void;
  /** Redraws the status line in place (ignored when not a TTY). */
  status(text: string): void;
  /** Removes the status line, e.g. before exiting. */
  clear(): void;
}

/** Carriage return and erase line: the status line is redrawn over itself. */
const ERASE = "\r\x1b[2K";

/** A Screen on `out`; the status line is cut to the terminal's width and drawn with `style`. */
export function screen(out: NodeJS.WriteStream = process.stdout, style = (s: string) => s): Screen {
  if (!out.isTTY) {
    return { line: (text) => void out.write(`${text}\n`), status: () => {}, clear: () => {} };
  }
  let current = "";
  // A status line wider than the terminal wraps, and \r would then redraw only its last row. A
  // terminal that reports no width (0: a pseudo-terminal never sized) is taken as 80 columns.
  const fit = () =>
    current ? style([...current].slice(0, Math.max(0, (out.columns || 80) - 1)).join("")) : "";
  return {
    line(text) {
      out.write(`${ERASE}${text}\n${fit()}`);
    },
    status(text) {
      if (text === current) return;
      current = text;
      out.write(`${ERASE}${fit()}`);
    },
    clear() {
      current = "";
      out.write(ERASE);
    },
  };
}
