/** The cluster bench's report: bench/results/cluster.md. */
import { cpus } from "node:os";
import { f1, int, spreadCell, stamp, table } from "../markdown.ts";
import { spread } from "../stats.ts";
import { serverCommand } from "./stack.ts";

/** One setup: how many players, how many server processes, with Redis or not. */
export interface Scenario {
  label: string;
  players: number;
  procs: number;
  redis: boolean;
}

/** One burst summed over the load processes; CPU between the orchestrator's marks around it. */
export interface PlayedRound {
  round: number;
  sent: number;
  verdicts: number;
  verified: number;
  firstPlaces: number;
  /** Connections still open after the burst. */
  open: number;
  /** From the first buzz sent (any load process) to the last verdict received (any load process). */
  timeMs: number;
  /** From the first buzz sent to the end of the last load process's send loop. */
  sendMs: number;
  serverCpuSec: number;
  /** The CPU of the server process that used the most (the room's owner, as a rule). */
  busiestCpuSec: number;
  /** Every process on the machine, all cores (busy time from /proc/stat). */
  machineCpuSec: number;
  /** Between the orchestrator's marks: the burst with its 50 ms lead and the reports' way back. */
  windowMs: number;
  redisCpuSec: number;
  loadCpuSec: number;
  errors: number;
  errorSamples: string[];
}

/** A scenario's run: connections, what each server process holds, the rounds, what failed. */
export interface Run {
  scenario: Scenario;
  opened: number;
  openMs: number;
  /** Sockets each server process gained while the players connected (the host's among them). */
  held: number[];
  /** MAIN's player count as the host saw it after the joining burst. */
  playerCount: number;
  rounds: PlayedRound[];
  failure?: string;
  errors?: { errors: number; errorSamples: string[] };
}

const us = (sec: number, n: number) => f1((sec / n) * 1e6);
/** The machine's busy CPU between the marks around the burst, in cores (2 is all of this machine). */
const busy = (x: PlayedRound) => (x.machineCpuSec / (x.windowMs / 1000)).toFixed(2);

/** Whether every burst of a run was complete and verified, with exactly one first place. */
function clean(r: Run): boolean {
  return (
    !r.failure &&
    (r.errors?.errors ?? 0) === 0 &&
    r.rounds.every(
      (x) => x.errors === 0 && x.verified === x.sent && x.verdicts === x.sent && x.firstPlaces === 1,
    )
  );
}

function roundRows(r: Run): string[][] {
  return r.rounds.map((x) => [
    r.scenario.label,
    x.round === 0 ? "0 (joins MAIN)" : String(x.round),
    `${int(x.verdicts)} / ${int(x.sent)}`,
    int(x.verified),
    String(x.firstPlaces),
    int(x.open),
    int(x.timeMs),
    int(x.sendMs),
    us(x.serverCpuSec, x.sent),
    int(x.busiestCpuSec * 1000),
    r.scenario.redis ? us(x.redisCpuSec, x.sent) : "–",
    us(x.loadCpuSec, x.sent),
    busy(x),
    x.errors ? `${x.errors}: ${x.errorSamples.join("; ")}` : "0",
  ]);
}

function problems(runs: Run[]): string[] {
  const out: string[] = [];
  for (const r of runs) {
    if (r.failure)
      out.push(`- **${r.scenario.label}, ${int(r.scenario.players)} players failed:** \`${r.failure}\``);
    if (r.errors?.errors)
      out.push(`- ${r.scenario.label}: ${r.errors.errors} errors: ${r.errors.errorSamples.join("; ")}`);
  }
  return out.length ? [...out, ""] : [];
}

/** The Markdown report of the big room and the process-count comparison. */
export function report(
  runs: Run[],
  compared: Run[],
  meta: { command: string; rounds: number; pause: number; perLoad: number; seconds: number },
): string {
  const lines = [
    "# Cluster bench: one room across buzzer processes sharing Redis",
    "",
    `${stamp()} · \`${meta.command}\` · ${cpus().length} cores · Bun ${Bun.version} · ${f1(meta.seconds)} s in all`,
    "",
    `Servers: \`${serverCommand(true)}\` × N on one port (the kernel spreads connections), or`,
    `\`${serverCommand(false)}\` alone; a redis-server of the run's own (no persistence). Nothing`,
    "is pinned: servers, Redis and load processes share the 2 cores. Load processes (bench/cluster/players.ts,",
    `at most ${int(meta.perLoad)} connections each, at least 2) connect plain-text players to 127.0.0.1–127.0.0.4`,
    "in turn. Per round: the host (one more connection) sends reset and arm and waits for the open round,",
    `a ${meta.pause} ms pause, then every load process sends \`buzz\` on all its connections in one loop at the same`,
    "wall-clock moment. Round 0 is each connection's first buzz, which makes it a player of MAIN (a join",
    `through the room's owner); rounds 1–${meta.rounds} are the bursts of players already in the room.`,
    "",
    "**Time** is from the first buzz sent by any load process to the last verdict received by any; **send** the",
    "same start to the end of the slowest send loop. **CPU per buzz** is CPU time (utime + stime from /proc)",
    "between the orchestrator's marks around the burst, ÷ players: servers summed over every process, Redis,",
    "and the load side (load processes and the orchestrator); **busiest server** is the CPU of the server process",
    "that used the most (the room's owner, which decides every buzz); **machine cores busy** is every process's",
    "busy CPU from /proc/stat over the same marks (2 = the whole machine). **Held** is the sockets each server",
    "process gained while the players connected (the host's connection is one of them). Every verdict is checked (`first place!` or",
    "`response time: X.XX seconds slower!`, one per connection); first places are summed over the load processes",
    "and must be exactly 1 a round.",
    "",
    "## The big room",
    "",
    ...table(
      [
        "setup",
        "players",
        "opened",
        "held per server process",
        "MAIN's players (host)",
        "open time s",
        "every burst verified",
      ],
      runs.map((r) => [
        r.scenario.label,
        int(r.scenario.players),
        int(r.opened),
        r.held.map(int).join(" + ") || "–",
        int(r.playerCount),
        f1(r.openMs / 1000),
        clean(r) ? "✅" : "❌",
      ]),
    ),
    ...table(
      [
        "setup",
        "round",
        "verdicts",
        "verified",
        "first places",
        "still open",
        "time ms",
        "send ms",
        "server µs/buzz",
        "busiest server ms CPU",
        "Redis µs/buzz",
        "load µs/buzz",
        "machine cores busy",
        "errors",
      ],
      runs.flatMap(roundRows),
    ),
    ...problems(runs),
  ];
  if (compared.length) {
    const n = compared[0]?.scenario.players ?? 0;
    lines.push(
      `## ${int(n)} players on 1, 2 … N processes`,
      "",
      "Rounds 1 on (players already in MAIN): median (min–max) over the rounds; round 0, the joining burst, apart.",
      "",
      ...table(
        [
          "setup",
          "time ms",
          "server µs/buzz",
          "busiest server ms CPU",
          "Redis µs/buzz",
          "load µs/buzz",
          "machine cores busy",
          "round 0 ms",
          "round 0 server µs/buzz",
          "verified",
        ],
        compared.map((r) => {
          const later = r.rounds.filter((x) => x.round > 0);
          const per = (f: (x: PlayedRound) => number) => spread(later.map((x) => (f(x) / x.sent) * 1e6));
          const zero = r.rounds[0];
          return [
            r.scenario.label,
            spreadCell(spread(later.map((x) => x.timeMs)), int),
            spreadCell(
              per((x) => x.serverCpuSec),
              f1,
            ),
            spreadCell(spread(later.map((x) => x.busiestCpuSec * 1000)), int),
            r.scenario.redis
              ? spreadCell(
                  per((x) => x.redisCpuSec),
                  f1,
                )
              : "–",
            spreadCell(
              per((x) => x.loadCpuSec),
              f1,
            ),
            spreadCell(spread(later.map((x) => x.machineCpuSec / (x.windowMs / 1000))), (v) => v.toFixed(2)),
            zero ? int(zero.timeMs) : "–",
            zero ? us(zero.serverCpuSec, zero.sent) : "–",
            clean(r) ? "✅" : "❌",
          ];
        }),
      ),
      ...problems(compared),
    );
  }
  return `${lines.join("\n")}\n`;
}
