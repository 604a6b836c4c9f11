import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Server } from "bun";
import type { LoadResult } from "../../bench/load_result.ts";
import { hasRedis, ROOT, type Running, run, startServer } from "../support.ts";
import { load } from "./load_run.ts";

const SECRET = "bench-test-secret";
type Started = Running & { url: string };

/** Every reply arrived and matched: the load generator's own verdict, and its counts agree. */
function expectVerified(r: LoadResult, sent: number | null = null): void {
  expect(r.errorSamples).toEqual([]);
  expect(r.errors).toBe(0);
  expect(r.ok).toBe(true);
  expect(r.sent).toBeGreaterThan(0);
  if (sent !== null) expect(r.sent).toBe(sent);
  expect(r.received).toBe(r.sent);
  expect(r.verified).toBe(r.sent);
}

function expectWindow(r: LoadResult): void {
  const w = r.window;
  expect(w).toBeDefined();
  if (!w) return;
  for (const key of ["seconds", "count", "rate", "p50Ms", "p99Ms", "serverCpuSec", "loadCpuSec"] as const) {
    expect(Number.isFinite(w[key])).toBe(true);
  }
  expect(w.count).toBeGreaterThan(0);
  expect(w.p99Ms).toBeGreaterThanOrEqual(w.p50Ms);
}

describe("bench", () => {
  let ours: Started;
  let oursGreet: Started;
  let bare: Started;
  let bareGreet: Started;
  let liar: Server<undefined>;

  beforeAll(async () => {
    [ours, oursGreet, bare, bareGreet] = await Promise.all([
      startServer("buzzer/buzzer_server.ts", ["--quiet", "--secret", SECRET, "--host", "127.0.0.1"]),
      startServer("server.ts", ["--quiet", "--host", "127.0.0.1"]),
      startServer("bench/reference/bare_bun.ts", ["--mode", "buzzer"]),
      startServer("bench/reference/bare_bun.ts", ["--mode", "greet"]),
    ]);
    // A server that gets the protocols subtly wrong: the load generator must notice every time.
    let n = 0;
    liar = Bun.serve<undefined>({
      hostname: "127.0.0.1",
      port: 0,
      fetch: (req, server) => (server.upgrade(req) ? undefined : new Response(null, { status: 426 })),
      websocket: {
        message(ws, msg) {
          n++;
          if (msg === "reset") ws.send("new round");
          else if (msg === "buzz") ws.send("first place!");
          else if (msg === "n1-3")
            return; // connection 1's fourth greeting never comes
          else ws.send(n % 5 === 0 ? `Hello ${msg}?` : `Hello ${msg}!`);
        },
      },
    });
  }, 15_000);

  afterAll(async () => {
    liar?.stop(true);
    await Promise.all([ours, oursGreet, bare, bareGreet].map((s) => s?.stop()));
  });

  test("a burst of 50 against our buzzer: every verdict checked, exactly one first place! a round", async () => {
    const r = await load(ours.url, [
      "--scenario",
      "burst",
      "--conns",
      "50",
      "--rounds",
      "2",
      "--pause",
      "20",
      "--control",
      `host:${SECRET}`,
      "--pid",
      String(ours.proc.pid),
    ]);
    expectVerified(r, 100);
    expect(r.rounds).toHaveLength(2);
    for (const round of r.rounds ?? []) {
      expect(round.verdicts).toBe(50);
      expect(round.firstPlaces).toBe(1);
      expect(round.timeMs).toBeGreaterThan(0);
      expect(round.sendMs).toBeLessThanOrEqual(round.timeMs);
    }
  });

  test("a burst of 50 against the bare Bun reference, new rounds by plain `reset`", async () => {
    const r = await load(bare.url, [
      "--scenario",
      "burst",
      "--conns",
      "50",
      "--rounds",
      "2",
      "--pause",
      "20",
    ]);
    expectVerified(r, 100);
    expect(r.rounds?.map((x) => x.firstPlaces)).toEqual([1, 1]);
  });

  test("a big room of 30 JSON players against ours: joins, snapshots, deltas and verdicts all checked", async () => {
    const r = await load(ours.url, [
      ...["--scenario", "room", "--conns", "30", "--rounds", "2", "--pause", "20"],
      ...["--control", `host:${SECRET}`, "--pid", String(ours.proc.pid)],
    ]);
    // 30 joins (welcome and snapshot) and 2 × 30 buzzes (a verdict each).
    expectVerified(r, 90);
    const room = r.room;
    expect(room?.rounds.map((x) => [x.verdicts, x.firstPlaces])).toEqual([
      [30, 1],
      [30, 1],
    ]);
    expect(room?.join.tailMs).toBeGreaterThanOrEqual(0);
    expect(room?.join.joinMs).toBeGreaterThanOrEqual(room?.join.tailMs ?? 0);
    expect(room?.join.bytes.max).toBeGreaterThan(0);
    for (const round of room?.rounds ?? []) {
      expect(round.timeMs).toBeGreaterThan(0);
      // Each player got at least its verdict and the round's deltas.
      expect(round.bytes.median).toBeGreaterThan(100);
      expect(round.bytes.max).toBeGreaterThanOrEqual(round.bytes.median);
    }
  });

  test("greeting round trips for 0.5 s on 4 connections, ours and bare Bun", async () => {
    const args = ["--scenario", "greet", "--conns", "4", "--seconds", "0.5", "--warmup", "0.1"];
    const [a, b] = await Promise.all([
      load(oursGreet.url, [...args, "--pid", String(oursGreet.proc.pid)]),
      load(bareGreet.url, [...args, "--pid", String(bareGreet.proc.pid)]),
    ]);
    for (const r of [a, b]) {
      expectVerified(r);
      expectWindow(r);
    }
    expect(a.window?.serverCpuSec).toBeGreaterThanOrEqual(0);
  });

  test("connect–greet–close cycles and repeated verdicts, small", async () => {
    const [cycle, verdict] = await Promise.all([
      load(bareGreet.url, [
        ...["--scenario", "cycle", "--conns", "2", "--seconds", "0.4", "--warmup", "0.1"],
        ...["--pid", String(bareGreet.proc.pid)],
      ]),
      load(ours.url, [
        ...["--scenario", "verdict", "--conns", "20", "--seconds", "0.5", "--warmup", "0.1"],
        ...["--pause", "20", "--control", `host:${SECRET}`, "--pid", String(ours.proc.pid)],
      ]),
    ]);
    expectVerified(cycle);
    expectWindow(cycle);
    expectVerified(verdict);
    expectWindow(verdict);
  });

  test("idle connections: server memory before and after", async () => {
    const r = await load(bare.url, ["--scenario", "idle", "--conns", "50", "--pid", String(bare.proc.pid)]);
    expectVerified(r, 50);
    expect(r.idle?.rssBeforeKiB).toBeGreaterThan(0);
    expect(r.idle?.rssAfterKiB).toBeGreaterThan(0);
    expect(Number.isFinite(r.idle?.kibPerConn)).toBe(true);
    // The scenario reads memory for 5 s after the last connection opens: past bun's default 5 s.
  }, 30_000);

  test("wrong greetings, a second first place! and a missing reply are all counted as errors", async () => {
    const url = `ws://127.0.0.1:${liar.port}`;
    const [greet, burst] = await Promise.all([
      load(url, [
        "--scenario",
        "greet",
        "--conns",
        "4",
        "--seconds",
        "0.3",
        "--warmup",
        "0",
        "--timeout",
        "1",
      ]),
      load(url, ["--scenario", "burst", "--conns", "5", "--rounds", "1", "--pause", "0"]),
    ]);
    expect(greet.ok).toBe(false);
    expect(greet.errors).toBeGreaterThan(0);
    expect(greet.verified).toBeLessThan(greet.received);
    expect(greet.errorSamples.join("\n")).toContain("?");
    expect(burst.ok).toBe(false);
    expect(burst.errorSamples).toContain("more than one first place!");
    expect(burst.verified).toBe(1);
    // Connection 1 waited in vain for one greeting: counted, not skipped.
    expect(greet.received).toBe(greet.sent - 1);
  });
});

describe("bench/cluster.ts", () => {
  test.if(hasRedis())(
    "200 players on 2 processes sharing Redis: every verdict checked, one first place! across load processes",
    async () => {
      const out = join(tmpdir(), `cluster-bench-${process.pid}.md`);
      try {
        const r = await run([
          process.execPath,
          "bench/cluster.ts",
          ...["--players", "200", "--procs", "2", "--rounds", "1", "--pause", "20"],
          ...["--compare", "0", "--single", "0", "--limit", "30", "--out", out],
        ]);
        expect(r.stderr).not.toContain("FAILED");
        expect(r.code).toBe(0);
        const md = readFileSync(out, "utf8");
        // Opened, held by the two processes (the host among them), all 200 in MAIN, verified.
        expect(md).toMatch(/\| 2 processes \+ Redis \| 200 \| 200 \| \d+ \+ \d+ \| 200 \| [\d.]+ \| ✅ \|/);
        for (const round of ["0 \\(joins MAIN\\)", "1"]) {
          expect(md).toMatch(
            new RegExp(`\\| 2 processes \\+ Redis \\| ${round} \\| 200 / 200 \\| 200 \\| 1 \\| 200 \\|`),
          );
        }
        expect(md).not.toContain("❌");
      } finally {
        rmSync(out, { force: true });
      }
    },
    20_000,
  );
});
