/** Number formats and tables for the bench reports. */
import type { Spread } from "./stats.ts";

/** A number with digits that suit its size. */
export function num(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return "–";
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString("en");
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** A ratio, `1.23×`, or – when not a number. */
export function times(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(2)}×` : "–";
}

/** One decimal, or – when not a number. */
export const f1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : "–");
/** Two decimals, or –. */
export const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : "–");
/** A whole number with thousands separators, or –. */
export const int = (x: number): string => (Number.isFinite(x) ? Math.round(x).toLocaleString("en") : "–");

/** `median (min–max)` of repeats, or the one value. */
export function spreadCell(s: Spread, fmt: (x: number) => string): string {
  return s.n > 1 ? `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})` : fmt(s.median);
}

/** A Markdown table: the first column left-aligned, the others (figures) right-aligned. */
export function table(header: string[], rows: string[][]): string[] {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? "---" : "---:"))), ...rows.map(line), ""];
}

/** The current UTC time to the minute, for report headers. */
export function stamp(): string {
  return `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
