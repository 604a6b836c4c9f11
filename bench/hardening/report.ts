/** The flood bench's report: settings, the phases side by side, the flood's fate, each repeat (bench/README.md explains them). */
import { RATE } from "../../buzzer/limit.ts";
import { f1, f2, int, spreadCell, stamp, table } from "../markdown.ts";
import { spread } from "../stats.ts";
import { JOIN_REFUSED } from "../verdicts.ts";
import { type FloodWindow, type Newcomers, noCounts, type Phase, type Rep } from "./figures.ts";
import { FLOOD_SOURCE, OTHER_SOURCE } from "./newcomer.ts";

/** What the run was asked to do, for the report's header. */
export interface FloodSettings {
  command: string;
  serverCmd: string;
  serverCore: number;
  loadCore: number;
  seconds: number;
  ramp: number;
  after: number;
  rate: number;
  message: string;
  honest: number;
  honestRate: number;
}

/** The target: flooded p99 at most this many times the unloaded p99. */
const TARGET_RATIO = 2;

/** Renders the repeats as Markdown. */
export function report(reps: Rep[], s: FloodSettings, wallSec: number): string {
  const sp = (f: (r: Rep) => number) => spread(reps.map(f));
  const cell = (f: (r: Rep) => number, fmt: (x: number) => string) => spreadCell(sp(f), fmt);
  const hasAfter = reps.some((r) => r.after);
  const phases: ((r: Rep) => Phase | null)[] = [(r) => r.unloaded, (r) => r.flooded];
  if (hasAfter) phases.push((r) => r.after);
  const inPhases = (label: string, f: (p: Phase) => number, fmt: (x: number) => string) => [
    label,
    ...phases.map((get) => cell((r) => (get(r) ? f(get(r) as Phase) : Number.NaN), fmt)),
  ];
  const newcomers = (label: string, joined: keyof Newcomers, refused: keyof Newcomers) => [
    label,
    ...phases.map((get) => {
      const n = (r: Rep) => get(r)?.honest.newcomers;
      return `${int(sp((r) => n(r)?.[joined] ?? Number.NaN).median)} / ${int(sp((r) => n(r)?.[refused] ?? Number.NaN).median)}`;
    }),
  ];
  const fl = (r: Rep): FloodWindow => r.flooded.flood ?? { ...noCounts(), cpuSec: 0, otherSamples: [] };
  const closes = (r: Rep, code: string) => fl(r).closes[code] ?? 0;
  const otherCloses = (r: Rep) =>
    Object.entries(fl(r).closes).reduce((a, [code, k]) => (code === "4002" ? a : a + k), 0);
  const perConn = (r: Rep, n: number) => n / Math.max(1, fl(r).connects);
  // The gateway closes a connection when its RATE.closeAfter-th message in a row is refused.
  const refused = (r: Rep) => RATE.closeAfter * closes(r, "4002");
  const answered = (r: Rep) => fl(r).verdicts + fl(r).joinRefused + fl(r).otherReplies;
  const ratio = (r: Rep) => r.flooded.honest.p99Ms / r.unloaded.honest.p99Ms;
  const ratios = sp(ratio);
  const errors = reps.reduce((a, r) => a + r.honestErrors, 0);
  const errorSamples = reps.flatMap((r) => r.honestErrorSamples).slice(0, 3);

  return [
    "# Flood hardening: one flooding client against honest players",
    "",
    `\`${s.command}\` — ${stamp()}, ${reps.length} repeat${reps.length === 1 ? "" : "s"}, ${wallSec.toFixed(0)} s in all. What is measured and ` +
      "how to read it: [bench/README.md](../README.md#flood-hardening-benchhardeningts).",
    "",
    `- server (core ${s.serverCore}, fresh per repeat, default limits): \`${s.serverCmd}\``,
    `- honest players (core ${s.loadCore}): ${int(s.honest)} plain-text in room MAIN, ${s.honestRate} buzzes/s each; 1 JSON viewer`,
    `- newcomers: 1/s from ${FLOOD_SOURCE} (the flooder's address) and 1/s from ${OTHER_SOURCE}`,
    `- flooder (core ${s.loadCore}): \`${s.message}\` at ${int(s.rate)} messages/s, reconnecting when closed`,
    `- phases: unloaded ${s.seconds} s; ramp ${s.ramp} s; flooded ${s.seconds} s${hasAfter ? `; after ${s.after} s` : ""}`,
    "",
    "## Summary (median, min–max over repeats)",
    "",
    ...table(
      ["", "unloaded", "flooded", ...(hasAfter ? ["after the flood"] : [])],
      [
        inPhases("honest verdict p50 (ms)", (p) => p.honest.p50Ms, f2),
        inPhases("honest verdict p99 (ms)", (p) => p.honest.p99Ms, f2),
        inPhases("honest verdict max (ms)", (p) => p.honest.maxMs, f2),
        inPhases("load-core timer lag p99 (ms; client-side delay)", (p) => p.honest.lagP99Ms, f2),
        inPhases("honest replies timed", (p) => p.honest.count, int),
        inPhases("server CPU (% of its core)", (p) => p.serverPct, f1),
        inPhases("load core: workers + orchestrator (% of a core)", (p) => p.loadPct, f1),
        inPhases("other processes on the machine (% of a core)", (p) => p.othersPct, f1),
        inPhases("server RSS at the end (MiB)", (p) => p.rssEndMiB, f1),
        inPhases("room MAIN players (viewer's playerCount)", (p) => p.honest.playerCount, int),
        inPhases("state messages the viewer got", (p) => p.honest.stateMessages, int),
        inPhases("state the viewer got (KiB)", (p) => p.honest.stateKiB, int),
        newcomers("new players from the flooder's address: joined / refused", "sameJoined", "sameRefused"),
        newcomers("new players from another address: joined / refused", "otherJoined", "otherRefused"),
      ],
    ),
    `**Flooded p99 ÷ unloaded p99: ${spreadCell(ratios, f2)}** — target ≤ ${TARGET_RATIO}: ` +
      `**${ratios.median <= TARGET_RATIO ? "met" : "missed"}** on the median; per repeat ${reps.map((r) => f2(ratio(r))).join(", ")}. ` +
      `Honest errors over the whole run: ${int(errors)}${errorSamples.length ? ` — ${errorSamples.join("; ")}` : ""}.`,
    "",
    `### The flood, in the flooded window (${s.seconds} s)`,
    "",
    ...table(
      ["", "median (min–max)"],
      [
        ["messages sent", cell((r) => fl(r).sent, int)],
        ["send rate achieved (/s)", cell((r) => fl(r).sent / r.flooded.seconds, int)],
        ["due while reconnecting, not sent", cell((r) => fl(r).notSent, int)],
        ["answered with a verdict (let through by the limiter)", cell((r) => fl(r).verdicts, int)],
        [`answered \`${JOIN_REFUSED}\` (join refused)`, cell((r) => fl(r).joinRefused, int)],
        ["answered otherwise (e.g. BAD_JSON errors)", cell((r) => fl(r).otherReplies, int)],
        [
          `messages answered per connection (limiter burst ${RATE.burst})`,
          cell((r) => perConn(r, answered(r)), f1),
        ],
        [`refused by the limiter (${RATE.closeAfter} in a row per 4002 close)`, cell(refused, int)],
        ["… of which answered RATE_LIMITED (≤ 1/s per connection)", cell((r) => fl(r).rateLimited, int)],
        [
          "sent after the server had closed the connection (discarded)",
          cell((r) => fl(r).sent - answered(r) - refused(r), int),
        ],
        ["closed with 4002 too many messages", cell((r) => closes(r, "4002"), int)],
        ["closed with another code", cell(otherCloses, int)],
        ["connections opened (reconnects)", cell((r) => fl(r).connects, int)],
        ["mean handshake (ms)", cell((r) => perConn(r, fl(r).handshakeMs), f2)],
        ["messages per connection", cell((r) => perConn(r, fl(r).sent), f1)],
        ["connection lifetime at this rate (ms)", cell((r) => (perConn(r, fl(r).sent) / s.rate) * 1000, f1)],
        ["flooder CPU (% of a core)", cell((r) => (fl(r).cpuSec / r.flooded.seconds) * 100, f1)],
        ["flood connections admitted as players", cell((r) => fl(r).admitted, int)],
        [
          "room players added (flood and newcomers)",
          cell((r) => r.flooded.honest.playerCount - r.unloaded.honest.playerCount, int),
        ],
        ["server RSS growth (MiB)", cell((r) => r.flooded.rssEndMiB - r.flooded.rssStartMiB, f1)],
        ["whole flood: connections opened", cell((r) => r.floodTotal?.connects ?? Number.NaN, int)],
        [
          "whole flood: connections admitted as players",
          cell((r) => r.floodTotal?.admitted ?? Number.NaN, int),
        ],
      ],
    ),
    "## Per repeat",
    "",
    ...table(
      [
        "rep",
        "p50 / p99 unloaded (ms)",
        "p50 / p99 flooded (ms)",
        "ratio p99",
        ...(hasAfter ? ["p50 / p99 after (ms)"] : []),
        "server CPU unl. / fl.",
        "flood sent",
        "verdicts",
        "join refused",
        "RATE_LIMITED",
        "4002 closes",
        "players after",
      ],
      reps.map((r) => [
        String(r.rep),
        `${f2(r.unloaded.honest.p50Ms)} / ${f2(r.unloaded.honest.p99Ms)}`,
        `${f2(r.flooded.honest.p50Ms)} / ${f2(r.flooded.honest.p99Ms)}`,
        f2(ratio(r)),
        ...(hasAfter ? [r.after ? `${f2(r.after.honest.p50Ms)} / ${f2(r.after.honest.p99Ms)}` : "–"] : []),
        `${f1(r.unloaded.serverPct)}% / ${f1(r.flooded.serverPct)}%`,
        int(fl(r).sent),
        int(fl(r).verdicts),
        int(fl(r).joinRefused),
        int(fl(r).rateLimited),
        int(closes(r, "4002")),
        int((r.after ?? r.flooded).honest.playerCount),
      ]),
    ),
    ...(reps.some((r) => r.serverExited) ? ["**The server exited during a repeat.**", ""] : []),
  ].join("\n");
}
