import { parseArgs } from "node:util";
import { fail } from "./fail.ts";

/** One command-line option: its type, default, environment variable and help text. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  default?: string;
  env?: string;
  value?: string;
  help: string;
}

/** The options a program accepts, by long name. */
export type OptionSpecs = Record<string, OptionSpec>;

/** Parsed options: strings for string options, booleans for flags, plus the positionals. */
export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Options every server shares: bind address, port and quiet logging. */
export const serverOptions: OptionSpecs = {
  host: {
    type: "string",
    default: "localhost",
    env: "HOST",
    value: "HOST",
    help: "address to bind",
  },
  port: {
    type: "string",
    default: "8765",
    env: "PORT",
    value: "PORT",
    help: "port (0 picks a free one)",
  },
  quiet: { type: "boolean", help: "print only the start and stop lines" },
};

/** Options every client shares: the server's URL. */
export const clientOptions: OptionSpecs = {
  url: {
    type: "string",
    default: "ws://localhost:8765",
    env: "URL",
    value: "URL",
    help: "server URL",
  },
};

/** Parses argv against the specs; prints help and exits on --help, one line and exit 2 on misuse. */
export function parseOptions(
  program: string,
  summary: string,
  specs: OptionSpecs,
  argv: string[] = process.argv.slice(2),
  usageTail = "",
): Parsed {
  const all: OptionSpecs = {
    ...specs,
    help: { type: "boolean", short: "h", help: "show this help" },
  };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(
        Object.entries(all).map(([name, s]) => [
          name,
          s.short ? { type: s.type, short: s.short } : { type: s.type },
        ]),
      ),
      allowPositionals: usageTail !== "",
      strict: true,
    });
  } catch (error) {
    const first = (error as Error).message.split("\n")[0] as string;
    // A value that starts with a dash (--port -1) is taken for an option: say how to give it.
    const dashed = first.match(/^Option '(--[^']+)' argument is ambiguous/)?.[1];
    const what = dashed
      ? `${dashed} needs a value: one that starts with a dash is written ${dashed}=-VALUE`
      : first;
    fail(`${program}: ${what} (see --help)`, 2);
  }
  if (parsed.values.help) {
    console.log(help(program, summary, all, usageTail));
    process.exit(0);
  }
  const values: Parsed["values"] = {};
  for (const [name, s] of Object.entries(all)) {
    const given = parsed.values[name] as string | boolean | undefined;
    values[name] = given ?? (s.env ? process.env[s.env] : undefined) ?? s.default;
  }
  return { values, positionals: parsed.positionals };
}

/** The width --help wraps its descriptions to: a terminal's classic 80 columns. */
const HELP_WIDTH = 80;

/**
 * Formats the --help text from the specs: descriptions start in one column, two spaces after the
 * longest option, and wrap under it to HELP_WIDTH (a word longer than the room left stays whole).
 */
export function help(program: string, summary: string, specs: OptionSpecs, usageTail = ""): string {
  const flags = Object.entries(specs).map(
    ([name, s]) => `  ${s.short ? `-${s.short}, ` : "    "}--${name}${s.value ? ` ${s.value}` : ""}`,
  );
  const column = Math.max(...flags.map((f) => f.length)) + 2;
  const rows = Object.values(specs).flatMap((s, i) => {
    const extras = [s.default !== undefined ? `default ${s.default}` : "", s.env ? `env ${s.env}` : ""]
      .filter(Boolean)
      .join(", ");
    const lines = wrap(`${s.help}${extras ? ` (${extras})` : ""}`, HELP_WIDTH - column);
    return lines.map((line, j) => `${(j === 0 ? (flags[i] as string) : "").padEnd(column)}${line}`);
  });
  return [
    `Usage: bun ${program} [options]${usageTail ? ` ${usageTail}` : ""}`,
    "",
    summary,
    "",
    "Options:",
    ...rows,
  ].join("\n");
}

/** Breaks text into lines of at most `width` characters at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/** Reads a port option: an integer from 0 to 65535, else one line and exit 2. */
export function portOption(program: string, value: unknown): number {
  const text = String(value);
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    fail(`${program}: invalid --port '${text}': expected a number from 0 to 65535`, 2);
  }
  return port;
}

/** What a URL option may be: the schemes it takes, and how to write one (for its error line). */
export interface UrlKind {
  schemes: RegExp;
  expected: string;
}

/** A server to connect to. */
export const WS_URL: UrlKind = { schemes: /^wss?:$/, expected: "ws://HOST:PORT or wss://HOST:PORT" };
/** The URL players open in a browser, from its QR code: an ftp:// or mailto: one would not get them in. */
export const PAGE_URL: UrlKind = {
  schemes: /^https?:$/,
  expected: "a URL like https://quiz.example.org/",
};
/** A Redis, with the schemes Bun's client connects with (it would say only "Connection closed"). */
export const REDIS_URL: UrlKind = {
  schemes: /^(redis|rediss|valkey|valkeys)(\+tls)?(\+unix)?:$/,
  expected: "a URL like redis://HOST:PORT (redis://:PASSWORD@HOST:PORT with a password)",
};

/** Reads a URL option of a kind, else one line (its password hidden) and exit 2. */
export function urlOption(program: string, value: unknown, kind = WS_URL, name = "url"): string {
  const text = String(value);
  if (!URL.canParse(text) || !kind.schemes.test(new URL(text).protocol)) {
    fail(`${program}: invalid --${name} '${shown(text)}': expected ${kind.expected}`, 2);
  }
  return text;
}

/** Reads a positive duration in seconds and returns milliseconds, else one line and exit 2. */
export function secondsOption(program: string, name: string, value: unknown): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    fail(`${program}: invalid --${name} '${value}': expected a positive number of seconds`, 2);
  }
  return seconds * 1000;
}

/** How a number option is written: plain decimal digits (no hex, exponent, sign or spaces), a whole one for a count. */
const DECIMAL = /^\d+(\.\d+)?$/;
const WHOLE = /^\d+$/;

/** Reads a number option within [min, max] (a whole number when `whole`), else one line and exit 2. */
export function numberOption(
  program: string,
  name: string,
  value: unknown,
  min: number,
  max: number,
  whole = false,
): number {
  const text = String(value);
  const n = Number(text);
  if (value === undefined || !(whole ? WHOLE : DECIMAL).test(text) || n < min || n > max) {
    const what = whole ? "a whole number" : "a number";
    fail(`${program}: invalid --${name} '${value}': expected ${what} from ${min} to ${max}`, 2);
  }
  return n;
}

/** A URL as it may be printed: its password, if any, replaced by `***` (start lines end up in logs). */
export function shown(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (!parsed.password) return url;
  parsed.password = "***";
  return parsed.href;
}
