/**
 * Our JavaScript's cost per decided buzz, in one process: the real gateway, bus and owner, sockets
 * that only count what they are sent, and a fake clock. No kernel and no network, so a change to the
 * code that decides a buzz shows here before it drowns in the noise of `bun run bench`. Usage:
 *   bun bench/decide.ts [--players N] [--rounds R] [--batch B] [--json] [--base DIR --reps K]
 * A round: the host starts a new one, every player buzzes (B buzzes per turn of the event loop,
 * 0.05 ms apart), and time runs until every verdict is out. Reported: this process's CPU per buzz
 * over the bursts (every thread's, so the JIT compiling our code counts), as the mean over all rounds
 * (what a quiz night pays, warm-up included) and the median of the second half (compiled code).
 * With --base, this script runs itself on that checkout and on this one in turns, K times each.
 */

import type { Clock } from "../buzzer/time.ts";
import { parseOptions } from "../lib/options.ts";
import { FakeClock } from "../test/fake_clock.ts";
import { numbers } from "./harness.ts";
import { spread } from "./stats.ts";

const program = "bench/decide.ts";
const { values } = parseOptions(program, "Our JavaScript's CPU per decided buzz, in process.", {
  players: { type: "string", default: "1000", value: "N", help: "players in the room" },
  rounds: { type: "string", default: "100", value: "R", help: "rounds" },
  batch: { type: "string", default: "40", value: "B", help: "buzzes per turn of the event loop" },
  json: { type: "boolean", help: "JSON players in the default room (else plain-text ones)" },
  root: { type: "string", value: "DIR", help: "the checkout whose buzzer is measured (default: this one)" },
  base: { type: "string", value: "DIR", help: "compare that checkout with this one, taking turns" },
  reps: { type: "string", default: "3", value: "K", help: "turns each with --base" },
});
const n = numbers(program, values, {
  players: [1, 50_000],
  rounds: [2, 1000],
  batch: [1, 50_000],
  reps: [1, 50],
});

if (values.base !== undefined) {
  const args = ["--players", `${n.players}`, "--rounds", `${n.rounds}`, "--batch", `${n.batch}`];
  if (values.json) args.push("--json");
  const runs: Record<string, { mean: number[]; tail: number[] }> = {
    base: { mean: [], tail: [] },
    ours: { mean: [], tail: [] },
  };
  for (let rep = 0; rep < n.reps; rep++) {
    for (const [id, root] of [
      ["base", String(values.base)],
      ["ours", "."],
    ] as const) {
      const run = Bun.spawnSync([process.execPath, program, ...args, "--root", root], { stderr: "inherit" });
      const out = run.stdout.toString().trim().split(" ");
      runs[id]?.mean.push(Number(out[0]));
      runs[id]?.tail.push(Number(out[1]));
    }
  }
  const fmt = (xs: number[]) => `${spread(xs).median.toFixed(2)} (${xs.map((x) => x.toFixed(2)).join(", ")})`;
  console.log(
    `| checkout | µs a buzz, mean of all rounds | µs a buzz, median of the second half |\n|---|--:|--:|`,
  );
  for (const [id, r] of Object.entries(runs)) console.log(`| ${id} | ${fmt(r.mean)} | ${fmt(r.tail)} |`);
  process.exit(0);
}

const root = new URL(`${values.root ?? "."}/`, `file://${process.cwd()}/`).pathname;
const { embedded } = await import(`${root}buzzer/embedded.ts`);
const { DEFAULT_ROOM } = await import(`${root}buzzer/protocol.ts`);
const { newConn } = await import(`${root}buzzer/gateway/conn.ts`);

const fake = new FakeClock(1000);
/** Time passed within the turn of the event loop that reads a batch: each buzz arrives a little later. */
let within = 0;
const clock: Clock = {
  now: () => fake.now() + within,
  // Whole milliseconds, as the event loop's timers fire: a timer per press's own moment would settle
  // a burst one press at a time, which no real server does.
  after: (ms, fn) => fake.after(Math.ceil(ms), fn),
  cancel: (handle) => fake.cancel(handle),
  soon: (fn) => fake.soon(fn),
};
const free = { burst: 1e9, perSecond: 1e9 };
const buzzer = embedded(
  {
    settings: {
      maxWait: 500,
      mainSecret: "secret",
      logging: false,
      newId: () => crypto.randomUUID().replaceAll("-", ""),
      maxCompensation: 150,
      resumeGrace: 60_000,
      joinRate: free,
    },
    maxRooms: 10,
    clock,
  },
  {
    probeEvery: 2000,
    joinsPerAddress: free,
    maxConnections: 1e9,
    maxCompensation: 150,
    connectionsPerAddress: 1e9,
  },
);
buzzer.attach({ publish: () => 0 } as never, new Set());
const handlers = buzzer.gateway.websocket;
let verdicts = 0;

/** A socket that counts verdicts and keeps the pings it is sent, to answer them 0.2 ms later. */
class Phone {
  frames: Uint8Array[] = [];
  pings: number[] = [];
  constructor(readonly data: unknown) {}
  send(text: string): number {
    if (text.startsWith('{"type":"ping"')) this.pings.push(JSON.parse(text).id);
    else if (!text.startsWith("{") || text.startsWith('{"type":"verdict"')) verdicts++;
    return text.length;
  }
  ping(data: Uint8Array): number {
    // Copied, as a real socket sends the bytes at once: the caller may write its buffer again.
    this.frames.push(data.slice());
    return data.byteLength;
  }
  close(): void {}
  subscribe(): void {}
}

const phones = Array.from(
  { length: n.players },
  (_, i) => new Phone(newConn(`127.0.0.${1 + (i % 4)}`, clock.now())),
);
for (const [i, phone] of phones.entries()) {
  handlers.open?.(phone as never);
  if (values.json) handlers.message?.(phone as never, JSON.stringify({ type: "join", name: `P${i}` }));
}

/** Answers every ping sent so far, as a client on a 0.2 ms link would. */
function answer(): void {
  fake.advance(0.2);
  for (const phone of phones) {
    for (const frame of phone.frames.splice(0)) handlers.pong?.(phone as never, Buffer.from(frame));
    for (const id of phone.pings.splice(0))
      handlers.message?.(phone as never, `{"type":"pong","id":${id},"t":${clock.now() + 5}}`);
  }
}
// Links measured before the first round, as a room's players have been probed while it filled.
for (let t = 0; t < 50; t++) {
  fake.advance(100);
  answer();
}

const cpu = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
const perBuzz: number[] = [];
for (let r = 0; r < n.rounds; r++) {
  buzzer.host(DEFAULT_ROOM, { type: "next" });
  fake.advance(300);
  answer();
  const before = verdicts;
  const start = cpu();
  for (let i = 0; i < phones.length; i += n.batch) {
    for (const phone of phones.slice(i, i + n.batch)) {
      within += 0.05 / n.batch;
      handlers.message?.(phone as never, values.json ? `{"type":"buzz","at":${clock.now() + 4.9}}` : "buzz");
    }
    within = 0;
    fake.advance(0.05);
  }
  for (let k = 0; k < 200 && verdicts - before < phones.length; k++) fake.advance(5);
  perBuzz.push((cpu() - start) / phones.length);
  if (verdicts - before !== phones.length)
    throw new Error(`round ${r + 1}: ${verdicts - before} verdicts for ${phones.length} buzzes`);
  fake.advance(300);
  answer();
}
buzzer.detach();
const mean = perBuzz.reduce((a, b) => a + b, 0) / perBuzz.length;
const tail = spread(perBuzz.slice(perBuzz.length >> 1)).median;
console.log(`${mean.toFixed(3)} ${tail.toFixed(3)}`);
