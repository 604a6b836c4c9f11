import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { seeded } from "../../bench/fairness/random.ts";
import { HOST_RATE } from "../../buzzer/gateway/conn.ts";
import { PYTHON, spawn, startServer } from "../support.ts";
import { Peer } from "./peer.ts";

type Server = Awaited<ReturnType<typeof startServer>>;
let server: Server;
beforeAll(async () => {
  server = await startServer("buzzer/buzzer_server.ts", ["--secret", "s3cret"]);
});
afterAll(() => server.stop());

const rssKiB = (pid: number) =>
  Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)?.[1]);

/** A room with a host and two honest players, the round open. */
async function liveRoom(code: string) {
  const { peer: host } = await Peer.join(server.url, { room: code, secret: `${code}-secret` });
  const { peer: ann } = await Peer.join(server.url, { room: code, name: "Ann" });
  const { peer: bob } = await Peer.join(server.url, { room: code, name: "Bob" });
  host.send({ type: "arm" });
  await bob.next("state", (s) => s.phase === "open");
  return { host, ann, bob };
}

/** Checks that the honest players of a live room still play a normal round. */
async function stillPlays({ host, ann, bob }: Awaited<ReturnType<typeof liveRoom>>) {
  ann.send({ type: "buzz", at: performance.now() });
  expect(await ann.next("verdict")).toMatchObject({ place: 1, text: "first place!" });
  await Bun.sleep(20);
  bob.send({ type: "buzz", at: performance.now() });
  expect(await bob.next("verdict")).toMatchObject({ place: 2 });
  const state = await host.next("state", (s) => s.order.length === 2);
  expect(state.order.map((p) => p.name)).toEqual(["Ann", "Bob"]);
}

/** Frames that must each be refused with exactly one error: malformed, truncated, mistyped. */
function badFrames(count: number, seed: number): string[] {
  const rand = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const junk = () =>
    pick([null, true, -1, 1e308, "x", "", [], {}, [1, 2], { a: 1 }, "\u0000", "💥".repeat(5)]);
  const valid = [
    { type: "join", name: "Zed", room: "FUZZ" },
    { type: "buzz", at: 12.5 },
    { type: "pong", id: 1, t: 2 },
    { type: "arm", countdown: 1000 },
    { type: "lock" },
    { type: "reset" },
    { type: "kick", player: "abc" },
    { type: "log", format: "csv" },
  ];
  const makers: (() => string)[] = [
    // A valid message cut short: never parses.
    () => {
      const text = JSON.stringify(pick(valid));
      return text.slice(0, 1 + Math.floor(rand() * (text.length - 2)));
    },
    // A valid type with one field of the wrong type.
    () => {
      const msg: Record<string, unknown> = { ...pick(valid.filter((m) => Object.keys(m).length > 1)) };
      const field = pick(Object.keys(msg).filter((k) => k !== "type"));
      msg[field] = pick([null, true, [], {}, { nested: 1 }]);
      return JSON.stringify(msg);
    },
    // An unknown or missing type.
    () =>
      JSON.stringify({ type: pick(["", "BUZZ", "join ", "__proto__", "constructor", 7, null]), x: junk() }),
    () => JSON.stringify(junk()),
    // Random printable noise and broken JSON.
    () =>
      Array.from({ length: 1 + Math.floor(rand() * 60) }, () =>
        String.fromCharCode(32 + Math.floor(rand() * 95)),
      ).join(""),
    () => `{"type":"join","name":"${"\\u0007".repeat(3)}"}`,
    () => JSON.stringify({ type: "join", room: pick(["no spaces", "toolongcode", "ß", "-"]) }),
    () => JSON.stringify({ type: "join", name: "n".repeat(33 + Math.floor(rand() * 90)) }),
    () => JSON.stringify({ type: "arm", countdown: pick([-1, 60_001, 1e9, Number.NaN]) }),
    () => `${JSON.stringify(pick(valid))}}`,
  ];
  return Array.from({ length: count }, () => pick(makers)());
}

describe("buzzer server hardening", () => {
  test("answers 1,000 malformed frames each with one error, and the round goes on", async () => {
    const room = await liveRoom("FUZZ");
    const frames = badFrames(1000, 42);
    // 25 connections of 40 frames: each stays within its burst, so every frame reaches the parser.
    const senders = await Promise.all(
      Array.from({ length: 25 }, async (_, i) => {
        const peer = new Peer(server.url);
        await peer.opened;
        const mine = frames.slice(i * 40, i * 40 + 40);
        for (const f of mine) peer.ws.send(f);
        return { peer, count: mine.length };
      }),
    );
    for (const { peer, count } of senders) {
      const until = performance.now() + 5000;
      while (peer.received.length < count && performance.now() < until) await Bun.sleep(5);
      expect(peer.received).toHaveLength(count);
      for (const msg of peer.received) expect(msg).toMatchObject({ type: "error" });
      peer.close();
    }
    const codes = new Set(
      senders.flatMap(({ peer }) => peer.received.map((m) => (m as { code: string }).code)),
    );
    expect([...codes].sort()).toEqual(["BAD_JSON", "BAD_MESSAGE", "BAD_NAME", "BAD_ROOM"]);
    await stillPlays(room);
  });

  test("closes binary and oversized senders with a code and a reason", async () => {
    const room = await liveRoom("ABUSE");
    const binary = new Peer(server.url);
    const big = new Peer(server.url);
    await Promise.all([binary.opened, big.opened]);
    binary.ws.send(new Uint8Array(64));
    big.ws.send("{".repeat(10_000));
    const closes = await Promise.all([binary.closed, big.closed]);
    expect(closes.map((c) => [c.code, c.reason])).toEqual([
      [1003, "binary frames are not supported"],
      [1009, "Received too big message"],
    ]);
    await stillPlays(room);
  });

  test("closes a viewer that stops reading, without growing memory or delaying others", async () => {
    const room = await liveRoom("SLOW");
    // A full room, so that each state a viewer gets is a few kilobytes, as in a real game.
    const crowd = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        Peer.join(server.url, { room: "SLOW", name: `Player with a long name ${i}` }),
      ),
    );
    const slow = spawn([PYTHON, "test/python/slow_reader.py", String(server.port), "SLOW", "20"]);
    await slow.waitFor(/joined/);
    const before = rssKiB(server.proc.pid);
    // Every host action publishes the room's whole state to its viewers, the slow reader included.
    // The host sends as fast as its own (generous) rate limit allows, until the slow reader is closed
    // or FLOOD actions are out: a state is kilobytes, so a few hundred fill the 1 MiB a reader may
    // leave unread, and a loaded machine is not left with thousands still to answer below.
    const FLOOD = 3000;
    let sent = 0;
    const flood = setInterval(() => {
      const n = Math.min(sent === 0 ? HOST_RATE.burst : HOST_RATE.perSecond / 20, FLOOD - sent);
      for (let i = 0; i < n; i++) room.host.send({ type: sent++ % 2 ? "lock" : "arm" });
    }, 50);
    await server
      .waitFor(/Closed a client's connection: dropped without a goodbye\n/, 15_000)
      .finally(() => clearInterval(flood));
    expect(rssKiB(server.proc.pid) - before).toBeLessThan(64 * 1024);
    slow.proc.kill();
    // The flood ran at the host's rate limit: a second lets its allowance refill, so the request
    // below is not refused. The server answers a host in order: once it is answered, the flood is done.
    await Bun.sleep(1000);
    room.host.send({ type: "log" });
    // Generous: on a loaded machine the flood's last actions may still be waiting their turn.
    await room.host.next("log", () => true, 60_000);
    for (const peer of [room.host, room.ann, room.bob]) peer.received.length = 0;
    room.host.send({ type: "arm" });
    await room.host.next("state", (s) => s.phase === "open", 15_000);
    await stillPlays(room);
    for (const { peer } of crowd) peer.close();
  }, 120_000);

  test("keeps the buzz of a client killed mid-round and plays on", async () => {
    const room = await liveRoom("KILL");
    const victim = spawn([
      process.execPath,
      "-e",
      `const ws = new WebSocket(${JSON.stringify(server.url)});
       ws.onopen = () => ws.send(JSON.stringify({ type: "join", room: "KILL", name: "Victim" }));
       ws.onmessage = (e) => { const m = JSON.parse(e.data);
         if (m.type === "welcome") ws.send(JSON.stringify({ type: "buzz", at: performance.now() }));
         if (m.type === "verdict") console.log("verdict", m.place); };`,
    ]);
    await victim.waitFor(/verdict 1/);
    victim.proc.kill("SIGKILL");
    await room.host.next("state", (s) => s.players.some((p) => p.name === "Victim" && !p.connected));
    room.ann.send({ type: "buzz", at: performance.now() });
    expect(await room.ann.next("verdict")).toMatchObject({ place: 2 });
    const state = await room.host.next("state", (s) => s.order.length === 2);
    expect(state.order.map((p) => p.name)).toEqual(["Victim", "Ann"]);
  });

  test("holds 2,000 idle connections and still answers a round", async () => {
    const idle: WebSocket[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const opened = Array.from({ length: 200 }, () => {
        const ws = new WebSocket(server.url);
        idle.push(ws);
        return new Promise((resolve, reject) => {
          ws.onopen = resolve;
          ws.onerror = reject;
        });
      });
      await Promise.all(opened);
    }
    await stillPlays(await liveRoom("IDLE"));
    for (const ws of idle) ws.close();
  }, 30_000);
});

describe("buzzer server limits per address", () => {
  test("closes a flooder with 4002, and its address cannot rejoin at once, while others play on", async () => {
    const fresh = await startServer("buzzer/buzzer_server.ts", ["--secret", "right"]);
    try {
      const { peer: host } = await Peer.join(fresh.url, { room: "FLOOD", secret: "floodpw1" });
      const { peer: ann } = await Peer.join(fresh.url, { room: "FLOOD", name: "Ann" });
      const flood = new Peer(fresh.url);
      await flood.opened;
      for (let i = 0; i < 1000; i++) flood.ws.send("buzz");
      const closed = await flood.closed;
      expect([closed.code, closed.reason]).toEqual([4002, "too many messages"]);
      expect(flood.received).toContain("error: slow down: at most 20 messages per second");
      const again = new Peer(fresh.url);
      await again.opened;
      again.ws.send("buzz");
      expect(await again.text()).toBe("error: too many players joined from your address: try again shortly");
      host.send({ type: "arm" });
      await ann.next("state", (s) => s.phase === "open");
      ann.send({ type: "buzz", at: performance.now() });
      expect(await ann.next("verdict")).toMatchObject({ place: 1 });
    } finally {
      await fresh.stop();
    }
  });

  test("refuses more secret guesses from one address, even across connections", async () => {
    const fresh = await startServer("buzzer/buzzer_server.ts", ["--secret", "right"]);
    try {
      const errors: string[] = [];
      for (let c = 0; c < 3; c++) {
        const guesser = new Peer(fresh.url);
        await guesser.opened;
        for (let i = 0; i < 4; i++) {
          guesser.send({ type: "join", secret: `wrong${c}${i}` });
          errors.push((await guesser.next("error")).code);
        }
        guesser.close();
      }
      expect(errors).toEqual([...Array(10).fill("BAD_SECRET"), "RATE_LIMITED", "RATE_LIMITED"]);
      const host = new Peer(fresh.url);
      await host.opened;
      host.send({ type: "join", secret: "right" });
      // Told how long to wait, in words and in whole seconds: until the allowance (one try every 6 s) has one.
      const refusal = await host.next("error");
      const retryIn = refusal.retryIn ?? 0;
      expect(retryIn).toBeGreaterThanOrEqual(1);
      expect(retryIn).toBeLessThanOrEqual(6);
      expect(refusal).toEqual({
        type: "error",
        code: "RATE_LIMITED",
        message: `too many wrong secrets from your address: wait ${retryIn} ${retryIn === 1 ? "second" : "seconds"}`,
        retryIn,
      });
    } finally {
      await fresh.stop();
    }
  });

  test("refuses a flood of joins from one address", async () => {
    const fresh = await startServer("buzzer/buzzer_server.ts", ["--secret", "right"]);
    try {
      const peers = await Promise.all(
        Array.from({ length: 260 }, async () => {
          const peer = new Peer(fresh.url);
          await peer.opened;
          return peer;
        }),
      );
      for (const peer of peers) peer.send({ type: "join", name: "Bot" });
      const replies = await Promise.all(
        peers.map((peer) => Promise.race([peer.next("welcome"), peer.next("error")])),
      );
      const refused = replies.filter((r) => r.type === "error");
      // 200 at once, plus what refills at 5 a second while the joins come in.
      expect(replies.length - refused.length).toBeWithin(200, 206);
      expect(refused[0]).toEqual({
        type: "error",
        code: "RATE_LIMITED",
        message: "too many players joined from your address: try again shortly",
      });
      for (const peer of peers) peer.close();
    } finally {
      await fresh.stop();
    }
  });
});
