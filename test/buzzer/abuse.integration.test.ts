import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { linkQuery, startProxy } from "../../bench/fairness/proxy.ts";
import { MAX_COMPENSATION } from "../../buzzer/fair.ts";
import { HOST_RATE } from "../../buzzer/gateway/conn.ts";
import { hasPythonWebsockets, PYTHON, spawn, startServer } from "../support.ts";
import { Peer } from "./peer.ts";

type Server = Awaited<ReturnType<typeof startServer>>;
const SERVER = "buzzer/buzzer_server.ts";
let server: Server;
beforeAll(async () => {
  server = await startServer(SERVER, ["--secret", "s3cret"]);
});
afterAll(() => server.stop());

const py = hasPythonWebsockets();
const rssKiB = (pid: number) =>
  Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)?.[1]);

/** Runs `body` against a server of its own, started with `args`, and stops it after. */
async function withServer<T>(args: string[], body: (s: Server) => Promise<T>): Promise<T> {
  const own = await startServer(SERVER, args);
  try {
    return await body(own);
  } finally {
    await own.stop();
  }
}

/** The HTTP status line's code a raw WebSocket upgrade to 127.0.0.1 gets, with the given extra headers. */
function upgradeStatus(port: number, headers: Record<string, string> = {}): Promise<number> {
  const all = {
    Host: `127.0.0.1:${port}`,
    Upgrade: "websocket",
    Connection: "Upgrade",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version": "13",
    ...headers,
  };
  const lines = ["GET / HTTP/1.1", ...Object.entries(all).map(([k, v]) => `${k}: ${v}`)];
  return new Promise((resolve, reject) => {
    let got = "";
    const socket = connect(port, "127.0.0.1", () => socket.write(`${lines.join("\r\n")}\r\n\r\n`));
    socket.on("data", (chunk) => {
      got += chunk.toString("latin1");
      if (!got.includes("\r\n")) return;
      socket.destroy();
      resolve(Number(got.split(" ")[1]));
    });
    socket.on("error", reject);
  });
}

/** A Python client connecting from 127.0.0.2 (another address) that sends `msg` and prints the reply. */
function fromOtherAddress(port: number, msg: object) {
  const script = `import asyncio, sys, websockets
async def main():
    async with websockets.connect(sys.argv[1], local_addr=("127.0.0.2", 0)) as ws:
        await ws.send(sys.argv[2])
        print(await ws.recv(), flush=True)
asyncio.run(main())`;
  return spawn([PYTHON, "-c", script, `ws://127.0.0.1:${port}/`, JSON.stringify(msg)]);
}

/** A room with a host and the named players, the round open (and clocks warmed up for `warm` ms). */
async function openRoom(url: string, code: string, names: string[], warm = 0) {
  const { peer: host } = await Peer.join(url, { room: code, secret: `${code}-secret` });
  const players = await Promise.all(names.map((name) => Peer.join(url, { room: code, name })));
  host.send({ type: "arm" });
  await host.next("state", (s) => s.phase === "open");
  await Bun.sleep(warm);
  return { host, players: players.map((p) => p.peer) };
}

/** Opens `count` plain sockets at once; resolves with the opened ones and how many were refused. */
async function sockets(url: string, count: number) {
  const results = await Promise.all(
    Array.from({ length: count }, () => {
      const ws = new WebSocket(url);
      return new Promise<WebSocket | null>((resolve) => {
        ws.onopen = () => resolve(ws);
        ws.onerror = () => resolve(null);
      });
    }),
  );
  const opened = results.filter((ws): ws is WebSocket => ws !== null);
  return { opened, refused: count - opened.length };
}

describe("buzzer server under attack", () => {
  test("a stopped client clock makes no NaN, and the honest earlier player wins", async () => {
    const { host, players } = await openRoom(server.url, "STOP", ["Honest"]);
    const stopper = new Peer(server.url, { answerProbes: false });
    await stopper.opened;
    // Every clock probe answered with t: 0, as if the client's clock had stopped.
    stopper.ws.addEventListener("message", (e) => {
      const msg = JSON.parse(String(e.data));
      if (msg.type === "ping") stopper.send({ type: "pong", id: msg.id, t: 0 });
    });
    stopper.send({ type: "join", room: "STOP", name: "Stopper" });
    await stopper.next("welcome");
    await Bun.sleep(1500); // the warm-up probes, answered with a stopped clock
    const honest = players[0] as Peer;
    honest.send({ type: "buzz", at: performance.now() });
    await Bun.sleep(20);
    stopper.send({ type: "buzz", at: 0 });
    const [first, second] = [await honest.next("verdict"), await stopper.next("verdict")];
    expect(first).toMatchObject({ place: 1, gap: 0, text: "first place!" });
    expect(second.place).toBe(2);
    expect(Number.isFinite(second.gap)).toBe(true);
    expect(second.text).toMatch(/^response time: \d+\.\d\d seconds slower!$/);
    const state = await host.next("state", (s) => s.order.length === 2);
    expect(state.order.map((p) => p.name)).toEqual(["Honest", "Stopper"]);
    for (const p of state.order) expect(Number.isFinite(p.gap)).toBe(true);
    // NaN would reach the wire as null: a measured value is a finite number or absent.
    for (const p of state.players)
      for (const v of [p.rtt, p.jitter]) expect(v === undefined || Number.isFinite(v)).toBe(true);
    host.send({ type: "log", format: "csv" });
    expect((await host.next("log")).data).not.toContain("NaN");
    host.send({ type: "log" });
    const records = (await host.next("log")).data
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(records).toHaveLength(2);
    for (const r of records)
      for (const f of ["arrival", "press", "uncertainty", "allowance", "gap"])
        expect(Number.isFinite(r[f])).toBe(true);
  });

  test("a round trip inflated by late probe answers wins nothing, and an early press at GO is a false start", async () => {
    // The cap raised to 1 s here, so only the ping-frame round trip stands between the cheater and a win.
    await withServer(["--secret", "s3cret", "--max-compensation", "1000"], async (own) => {
      const { host, players } = await openRoom(own.url, "LAG", ["Honest"]);
      const cheater = new Peer(own.url, { probeDelay: 400 });
      await cheater.opened;
      cheater.send({ type: "join", room: "LAG", name: "Cheater" });
      await cheater.next("welcome");
      await Bun.sleep(2000); // long enough for some late answers to be measured
      const honest = players[0] as Peer;
      for (let round = 0; round < 3; round++) {
        host.send({ type: "reset" });
        host.send({ type: "arm" });
        await host.next("state", (s) => s.round === round + 2 && s.phase === "open");
        honest.send({ type: "buzz", at: performance.now() });
        await Bun.sleep(300);
        cheater.send({ type: "buzz", at: performance.now() - 400 });
        expect((await honest.next("verdict")).place).toBe(1);
        expect((await cheater.next("verdict")).place).toBe(2);
      }
    });
    const { host, players } = await openRoom(server.url, "ARMED", ["Eager"], 1500);
    const eager = players[0] as Peer;
    host.send({ type: "lock" });
    host.send({ type: "arm", countdown: 1000 });
    const release = await eager.next("release");
    const go = release.at ?? performance.now() + release.countdown;
    await Bun.sleep(go - (MAX_COMPENSATION + 50) - performance.now());
    eager.send({ type: "buzz", at: go }); // claimed on time, pressed 300 ms before GO
    expect(await eager.next("error")).toEqual({
      type: "error",
      code: "FALSE_START",
      message: "too early: you are locked out of this round",
      falseStart: "early",
    });
  }, 20_000);

  // The window waits at most --max-wait: a press credited earlier than that could be placed behind
  // presses made final before it arrived.
  test("a far player's compensation is capped at --max-wait when --max-compensation is higher", async () => {
    await withServer(["--secret", "s3cret", "--max-wait", "100"], async (own) => {
      const proxy = startProxy(own.url);
      try {
        const { peer: host } = await Peer.join(own.url, { room: "FAR", secret: "FAR-secret" });
        const far = new Peer(`${proxy.url}/${linkQuery({ up: 100, down: 100, jitter: 0, seed: 1 })}`);
        await far.opened;
        far.send({ type: "join", room: "FAR", name: "Far" });
        await far.next("welcome");
        host.send({ type: "arm" });
        await host.next("state", (st) => st.phase === "open");
        await Bun.sleep(1500); // the warm-up ping frames measure its 200 ms round trip
        far.send({ type: "buzz", at: performance.now() - 1000 });
        expect((await far.next("verdict")).place).toBe(1);
        host.send({ type: "log" });
        const [record] = (await host.next("log")).data
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l));
        expect(record.rtt).toBeGreaterThan(150);
        expect(record.allowance).toBe(100);
      } finally {
        proxy.stop();
      }
    });
  }, 20_000);

  test.skipIf(!py)("one address holds at most 20 rooms while another opens one", async () => {
    await withServer(["--secret", "s3cret"], async (own) => {
      const other = fromOtherAddress(own.port, { type: "join", room: "OTHER", secret: "other-secret" });
      const replies = await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const peer = new Peer(own.url);
          await peer.opened;
          peer.send({ type: "join", room: `HOARD${i}`, secret: "good-secret" });
          return Promise.race([peer.next("welcome"), peer.next("error")]);
        }),
      );
      expect(replies.filter((r) => r.type === "welcome")).toHaveLength(20);
      const refused = replies.filter((r) => r.type === "error");
      expect(refused).toHaveLength(10);
      for (const r of refused)
        expect(r).toEqual({
          type: "error",
          code: "TOO_MANY_ROOMS",
          message: "your address holds 20 rooms already: they close when idle",
        });
      const [line] = await other.waitFor(/.*"type":"welcome".*/);
      expect(JSON.parse(line)).toMatchObject({ room: "OTHER", host: true });
    });
    await withServer(["--secret", "server-secret", "--private-rooms"], async (own) => {
      const guest = new Peer(own.url);
      await guest.opened;
      guest.send({ type: "join", room: "MINE", secret: "good-secret" });
      expect(await guest.next("error")).toEqual({
        type: "error",
        code: "BAD_SECRET",
        message: "only the server's secret opens new rooms here",
      });
      const { welcome } = await Peer.join(own.url, { room: "MINE", secret: "server-secret" });
      expect(welcome).toMatchObject({ room: "MINE", host: true });
    });
  });

  test.skipIf(!py)(
    "idle sockets give way to real players, and one address holds only its share",
    async () => {
      await withServer(
        ["--secret", "s3cret", "--max-connections", "300", "--idle-grace", "1"],
        async (own) => {
          const idle = await sockets(own.url, 300);
          expect(idle.opened).toHaveLength(300);
          const evicted: [number, string][] = [];
          for (const ws of idle.opened) ws.onclose = (e) => evicted.push([e.code, e.reason]);
          // Full, and no one idle past the grace yet: excess upgrades are refused.
          expect(await upgradeStatus(own.port)).toBe(503);
          expect((await sockets(own.url, 99)).refused).toBe(99);
          await Bun.sleep(1200);
          const { host, players } = await openRoom(own.url, "REAL", ["Ann", "Bob"]);
          (players[0] as Peer).send({ type: "buzz", at: performance.now() });
          expect(await (players[0] as Peer).next("verdict")).toMatchObject({ place: 1 });
          await host.next("state", (s) => s.order.length === 1);
          // Three idle sockets made room for the host and the two players.
          for (let tries = 0; tries < 100 && evicted.length < 3; tries++) await Bun.sleep(20);
          expect(evicted).toEqual(Array(3).fill([1013, "idle while the server is full"]));
          for (const ws of idle.opened) ws.close();
        },
      );
      await withServer(["--secret", "s3cret", "--connections-per-address", "3"], async (own) => {
        const mine = await sockets(own.url, 3);
        expect(mine.opened).toHaveLength(3);
        expect(await upgradeStatus(own.port)).toBe(429);
        const other = fromOtherAddress(own.port, { type: "join", name: "Zoe" });
        const [line] = await other.waitFor(/.*"type":"welcome".*/);
        expect(JSON.parse(line)).toMatchObject({ name: "Zoe", host: false });
        for (const ws of mine.opened) ws.close();
      });
    },
    20_000,
  );

  test("a flooding host is closed with 4002 while another room plays on", async () => {
    await withServer(["--secret", "s3cret"], async (own) => {
      const honest = await openRoom(own.url, "CALM", ["Ann", "Bob"]);
      const { peer: flood } = await Peer.join(own.url, { room: "NOISY", secret: "noisy-secret" });
      for (let i = 0; i < 5000 && flood.ws.readyState === WebSocket.OPEN; i++)
        flood.send({ type: i % 2 ? "lock" : "arm" });
      const closed = await flood.closed;
      expect([closed.code, closed.reason]).toEqual([4002, "too many messages"]);
      expect(await flood.next("error")).toEqual({
        type: "error",
        code: "RATE_LIMITED",
        message: `slow down: at most ${HOST_RATE.perSecond} messages per second`,
      });
      const [ann, bob] = honest.players as [Peer, Peer];
      ann.send({ type: "buzz", at: performance.now() });
      expect(await ann.next("verdict")).toMatchObject({ place: 1, text: "first place!" });
      bob.send({ type: "buzz", at: performance.now() });
      expect(await bob.next("verdict")).toMatchObject({ place: 2 });
    });
  });

  test("a journal that cannot be written mid-game is reported once, and the round goes on", async () => {
    const dir = mkdtempSync(join(tmpdir(), "buzzer-abuse-"));
    await withServer(["--secret", "s3cret-key", "--state", join(dir, "game.jsonl")], async (own) => {
      const { host, players } = await openRoom(own.url, "DISK", ["Ann", "Bob"]);
      rmSync(dir, { recursive: true, force: true });
      const [ann, bob] = players as [Peer, Peer];
      ann.send({ type: "buzz", at: performance.now() });
      expect(await ann.next("verdict")).toMatchObject({ place: 1 });
      bob.send({ type: "buzz", at: performance.now() });
      expect(await bob.next("verdict")).toMatchObject({ place: 2 });
      host.send({ type: "reset" });
      await host.next("state", (s) => s.round === 2);
      const failed = own.stderr().split("\n").filter(Boolean);
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatch(
        /^journal write failed \(ENOENT.*\): the game goes on, but a restart will not restore it$/,
      );
      expect(own.proc.exitCode).toBeNull();
    });
  });

  test("departed players are forgotten after the resume grace, and memory comes back", async () => {
    const args = ["--secret", "s3cret", "--resume-grace", "1", "--joins-per-address", "100000", "--quiet"];
    await withServer(args, async (own) => {
      const { peer: host } = await Peer.join(own.url, { secret: "s3cret" });
      const before = rssKiB(own.proc.pid);
      for (let batch = 0; batch < 6; batch++) {
        const peers = await Promise.all(
          Array.from({ length: 500 }, (_, i) => Peer.join(own.url, { name: `P${batch}-${i}` })),
        );
        for (const { peer } of peers) peer.close();
        await Promise.all(peers.map(({ peer }) => peer.closed));
      }
      let count = Infinity;
      for (let tries = 0; tries < 50 && count > 0; tries++) {
        await Bun.sleep(200);
        host.received.length = 0;
        host.send({ type: "sync" });
        // Lines on the board count every player the room keeps (playerCount only those connected).
        count = (await host.next("state")).scoreCount;
      }
      expect(count).toBe(0);
      // RSS is not a precise measure (the allocator keeps freed pages): the bound is generous.
      expect(rssKiB(own.proc.pid) - before).toBeLessThan(32 * 1024);
    });
  }, 30_000);

  test("a short secret, a state file others can read and a printed secret are refused", async () => {
    const guest = new Peer(server.url);
    await guest.opened;
    guest.send({ type: "join", room: "SHORT", secret: "1234567" });
    expect(await guest.next("error")).toEqual({
      type: "error",
      code: "BAD_SECRET",
      message: "a new room's secret needs at least 8 characters",
    });
    const dir = mkdtempSync(join(tmpdir(), "buzzer-abuse-"));
    const file = join(dir, "game.jsonl");
    try {
      await withServer(["--quiet", "--secret", "hush-hush-42", "--state", file], async (own) => {
        await Peer.join(own.url, { room: "PRIV", secret: "private-secret" });
        expect(statSync(file).mode & 0o777).toBe(0o600);
        expect(own.stdout()).not.toContain("hush-hush-42");
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("an upgrade for a foreign host and origin is refused, the server's own page is let in", async () => {
    const evil = `evil.example:${server.port}`;
    expect(await upgradeStatus(server.port, { Host: evil, Origin: `http://${evil}` })).toBe(403);
    const own = `localhost:${server.port}`;
    expect(await upgradeStatus(server.port, { Host: own, Origin: `http://${own}` })).toBe(101);
  });

  test("invisible and look-alike names are numbered, empty-looking ones refused, overrides stripped", async () => {
    await openRoom(server.url, "NAMES", []);
    const names: string[] = [];
    for (const name of ["Alice", "Alice\u200b", "ＡＬＩＣＥ", "\u202eevil"])
      names.push((await Peer.join(server.url, { room: "NAMES", name })).welcome.name);
    expect(names).toEqual(["Alice", "Alice (2)", "ＡＬＩＣＥ (3)", "evil"]);
    const blank = new Peer(server.url);
    await blank.opened;
    blank.send({ type: "join", room: "NAMES", name: "\u200b\u2800\u3164" });
    expect(await blank.next("error")).toEqual({
      type: "error",
      code: "BAD_NAME",
      message: "name must not be empty",
    });
  });

  test("a journal of JSON in the wrong shape is reported line by line, and the server serves", async () => {
    const dir = mkdtempSync(join(tmpdir(), "buzzer-abuse-"));
    const file = join(dir, "game.jsonl");
    const token = "0123456789abcdef0123456789abcdef";
    const lines = [
      { e: "room", room: "KEEP", secret: "keep-secret" },
      null,
      { e: "player", room: "KEEP", id: "p1" },
      { e: "player", room: "KEEP", id: "p2", name: "Ann", token, plain: false },
    ];
    writeFileSync(file, lines.map((l) => `${JSON.stringify(l)}\n`).join(""));
    try {
      await withServer(["--secret", "s3cret-key", "--state", file], async (own) => {
        expect(own.stderr().split("\n").filter(Boolean)).toEqual([
          `${file}: line 2: not a journal entry (skipped)`,
          `${file}: line 3: a "player" entry needs name, token, plain (skipped)`,
        ]);
        const { peer: host } = await Peer.join(own.url, { room: "KEEP", secret: "keep-secret" });
        expect((await host.next("state")).players.map((p) => p.name)).toEqual(["Ann"]);
        const { welcome } = await Peer.join(own.url, { room: "KEEP", token });
        expect(welcome).toMatchObject({ id: "p2", name: "Ann" });
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
