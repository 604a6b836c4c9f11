/**
 * CSV for spreadsheets, written once for every download: cells quoted when they hold a quote, a
 * comma or a line break, and text a spreadsheet would run as a formula (= + - @ first) made plain.
 */

/** One cell: text, or a number, flag or nothing (never taken for a formula). */
export type Cell = string | number | boolean | null;

/** Rows as CSV text, a line each (the first row is usually the header). */
export function csv(rows: Iterable<readonly Cell[]>): string {
  let out = "";
  for (const row of rows) out += `${row.map(cell).join(",")}\n`;
  return out;
}

function cell(value: Cell): string {
  if (value === null) return "";
  if (typeof value !== "string") return String(value);
  // A player's name is the client's text: "=HYPERLINK(…)" must stay text in the host's spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
