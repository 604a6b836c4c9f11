import { describe, expect, test } from "bun:test";
import { screen } from "../../buzzer/terminal.ts";

/** A TTY of `columns` that keeps what is written to it. */
function tty(columns: number | undefined) {
  const written: string[] = [];
  const out = { isTTY: true, columns, write: (s: string) => written.push(s) > 0 };
  return { out: out as unknown as NodeJS.WriteStream, written };
}

describe("terminal screen", () => {
  test("cuts the status line to one less than the terminal's width", () => {
    const { out, written } = tty(10);
    screen(out).status("Ann in MAIN · 1 player");
    expect(written).toEqual(["\r\x1b[2KAnn in MA"]);
  });

  test("draws the status line at 80 columns when the terminal reports a width of 0", () => {
    const { out, written } = tty(0);
    screen(out).status("Ann in MAIN · 1 player · round 1 open");
    expect(written).toEqual(["\r\x1b[2KAnn in MAIN · 1 player · round 1 open"]);
  });

  test("draws the status line at 80 columns when the terminal reports no width", () => {
    const { out, written } = tty(undefined);
    screen(out).status("x".repeat(100));
    expect(written).toEqual([`\r\x1b[2K${"x".repeat(79)}`]);
  });

  test("prints a line above the status line and draws the status line again below it", () => {
    const { out, written } = tty(80);
    const s = screen(out);
    s.status("status");
    s.line("1. Ann");
    expect(written.at(-1)).toBe("\r\x1b[2K1. Ann\nstatus");
  });
});
