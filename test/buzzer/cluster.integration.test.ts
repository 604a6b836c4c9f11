import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RedisClient } from "bun";
import { linkQuery, startProxy } from "../../bench/fairness/proxy.ts";
import {
  freePort,
  hasPythonWebsockets,
  hasRedis,
  PYTHON,
  type Running,
  redisAdmin,
  run,
  spawn,
  startRedis,
} from "../support.ts";
import { member as clusterMember, pidOf, type Server, stopOwner } from "./cluster_support.ts";
import { Peer } from "./peer.ts";

const redisAvailable = hasRedis();
const python = hasPythonWebsockets();
const SECRET = "cluster-secret";

let redis: Running & { url: string };

/** A buzzer server process in the cluster. */
const member = () => clusterMember(redis.url, SECRET);

/** The process that owns a room now, from its lease in Redis. */
async function ownerOf(room: string): Promise<string | null> {
  const client = new RedisClient(redis.url);
  const value = (await client.get(`bz:lease:${room}`)) as string | null;
  client.close();
  return value?.split(":")[0] ?? null;
}

/** Whether no process listens on a channel any more (Redis has seen its subscriber go). */
async function listenerGone(channel: string): Promise<boolean> {
  const client = new RedisClient(redis.url);
  const [, count] = (await client.send("PUBSUB", ["NUMSUB", channel])) as [string, number];
  client.close();
  return count === 0;
}

beforeAll(async () => {
  if (redisAvailable) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe("buzzer_server.ts --redis", () => {
  test.if(redisAvailable && python)(
    "three processes share MAIN: a far player who pressed first beats a near one on another process, the original client on a third gets its verdict, and all show one order",
    async () => {
      const servers = await Promise.all([member(), member(), member()]);
      const [a, b, c] = servers as [Server, Server, Server];
      const proxy = startProxy(a.url);
      const plain = spawn([PYTHON, "test/python/buzzer_client.py", c.url]);
      try {
        const viewers = await Promise.all(servers.map((s) => Peer.join(s.url, { watch: true })));
        const { peer: far } = await Peer.join(
          `${proxy.url}/${linkQuery({ up: 100, down: 100, jitter: 0, seed: 1 })}`,
          {
            name: "Far",
          },
        );
        const { peer: near } = await Peer.join(b.url, { name: "Near" });
        // Long enough for the clock probes through the proxy to measure the far player's link.
        await Bun.sleep(2000);
        const farAt = performance.now();
        far.send({ type: "buzz", at: farAt });
        // Shorter than the far link's 100 ms, so the far press arrives last; long enough that how busy
        // the machine is cannot turn the order. How close the gaps come across processes is measured
        // by `bun bench/fairness.ts --redis`, and in fake time (fairness_sim.test.ts).
        await Bun.sleep(80);
        near.send({ type: "buzz", at: performance.now() });
        await Bun.sleep(400);
        plain.proc.stdin.write("\n");
        await plain.proc.stdin.flush();
        expect(await far.next("verdict", () => true, 5000)).toMatchObject({ place: 1, text: "first place!" });
        const late = await near.next("verdict", () => true, 5000);
        expect(late.place).toBe(2);
        expect(late.gap).toBeGreaterThan(0);
        expect((await plain.waitFor(/Received: (.*)\n/, 5000))[1]).toMatch(
          /^response time: \d+\.\d\d seconds slower!$/,
        );
        for (const { peer } of viewers) {
          const state = await peer.next("state", (s) => s.order.length === 3, 5000);
          expect(state.order.map((p) => p.name)).toEqual([
            "Far",
            "Near",
            expect.stringMatching(/^Player \d+$/),
          ]);
        }
      } finally {
        plain.proc.kill();
        proxy.stop();
        await Promise.all(servers.map((s) => s.stop()));
      }
    },
    30_000,
  );

  test.if(redisAvailable)(
    "kill -9 of each process in turn, the owner first: no verdict lost, its players resume elsewhere, the next round works",
    async () => {
      let servers: Server[] = await Promise.all([member(), member(), member()]);
      let pids = await Promise.all(servers.map(pidOf));
      try {
        const { peer: firstHost } = await Peer.join(servers[0]?.url as string, {
          room: "KILL",
          secret: SECRET,
        });
        let host = firstHost;
        let hostAt = 0;
        const joined = await Promise.all(
          servers.map((s, i) => Peer.join(s.url, { room: "KILL", name: `P${i + 1}` })),
        );
        let players = joined.map((j) => j.peer);
        const tokens = joined.map((j) => j.welcome.token);
        /** Which process each player is connected to now. */
        const where = [0, 1, 2];
        /** Plays a round: every player buzzes in turn and gets its place. */
        const round = async (number: number) => {
          if (number > 1) host.send({ type: "reset" });
          host.send({ type: "arm" });
          for (const peer of players)
            await peer.next("state", (s) => s.round === number && s.phase === "open", 10_000);
          for (const [i, peer] of players.entries()) {
            peer.send({ type: "buzz", at: performance.now() });
            expect(await peer.next("verdict", (v) => v.round === number, 10_000)).toMatchObject({
              place: i + 1,
            });
            await Bun.sleep(30);
          }
        };
        await round(1);
        for (let turn = 0; turn < 3; turn++) {
          // The owner first; then the others, each on whichever process runs them now.
          const owner = await ownerOf("KILL");
          const victim =
            turn === 0 ? pids.indexOf(owner as string) : (pids.indexOf(owner as string) + turn) % 3;
          expect(victim).toBeGreaterThanOrEqual(0);
          servers[victim]?.proc.kill("SIGKILL");
          await servers[victim]?.proc.exited;
          // A new process takes the dead one's place; its players resume there with their tokens.
          const fresh = await member();
          servers = servers.map((s, i) => (i === victim ? fresh : s));
          pids = await Promise.all(servers.map(pidOf));
          const survivor = servers[(victim + 1) % 3] as Server;
          players = await Promise.all(
            players.map(async (peer, i) => {
              if (where[i] !== victim) return peer;
              where[i] = (victim + 1) % 3;
              const again = (await Peer.join(survivor.url, { room: "KILL", token: tokens[i] })).peer;
              // Its last verdict comes again (from whichever process owns the room now).
              expect(await again.next("verdict", () => true, 10_000)).toMatchObject({ place: i + 1 });
              return again;
            }),
          );
          if (victim === hostAt) {
            host = (await Peer.join(survivor.url, { room: "KILL", secret: SECRET })).peer;
            hostAt = (victim + 1) % 3;
          }
          await round(turn + 2);
          // The process that took the room over says so before its lines about it go on.
          if (turn === 0) {
            const heir = servers[pids.indexOf((await ownerOf("KILL")) as string)] as Server;
            expect(heir.stdout()).toContain("Room KILL is run by this process now");
          }
        }
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
      }
    },
    90_000,
  );
});

describe("buzzer_server.ts --redis takeover", () => {
  test.if(redisAvailable)(
    "a buzz sent while the dead owner's lease runs out is placed by the new owner, and the wait asks Redis a few times, not in a loop",
    async () => {
      const [a, b] = (await Promise.all([member(), member()])) as [Server, Server];
      const admin = new RedisClient(redis.url);
      try {
        const { peer: host } = await Peer.join(a.url, { room: "AFTER", secret: SECRET });
        const { peer: bea } = await Peer.join(b.url, { room: "AFTER", name: "Bea" });
        host.send({ type: "arm" });
        await bea.next("state", (s) => s.phase === "open", 5000);
        const dead = await pidOf(a);
        a.proc.kill("SIGKILL");
        await a.proc.exited;
        // Redis has seen the owner go, and its lease has up to 3 s to run: Bea's buzz waits for it.
        while (!(await listenerGone(`bz:owner:${dead}`))) await Bun.sleep(20);
        await admin.send("CONFIG", ["RESETSTAT"]);
        bea.send({ type: "buzz", at: performance.now() });
        const answer = await Promise.race([
          bea.next("verdict", () => true, 10_000),
          bea.next("error", () => true, 10_000),
        ]);
        expect(answer).toMatchObject({ type: "verdict", place: 1, text: "first place!" });
        // Looks for the room's owner, lease renewals and journal writes: tens, where a loop made thousands.
        const stats = String(await admin.send("INFO", ["commandstats"]));
        const calls = (name: string) =>
          Number(stats.match(new RegExp(`cmdstat_${name}:calls=(\\d+)`))?.[1] ?? 0);
        expect(calls("eval") + calls("publish")).toBeLessThan(300);
      } finally {
        admin.close();
        await Promise.all([a.stop(), b.stop()]);
      }
    },
    30_000,
  );
});

describe("buzzer_server.ts --redis limits", () => {
  test.if(redisAvailable)(
    "a guesser cannot multiply its tries by the number of processes: a room counts wrong secrets across them",
    async () => {
      const servers = await Promise.all([member(), member()]);
      try {
        await Peer.join(servers[0]?.url as string, { room: "SAFE", secret: SECRET });
        const codes: string[] = [];
        // Ten wrong secrets spread over both processes, two a connection (five would close it).
        for (let i = 0; i < 6; i++) {
          const guesser = new Peer(servers[i % 2]?.url as string);
          await guesser.opened;
          for (let k = 0; k < 2; k++) {
            guesser.send({ type: "join", room: "SAFE", secret: `wrong-${i}-${k}` });
            codes.push((await guesser.next("error", () => true, 5000)).code);
          }
          guesser.close();
        }
        expect(codes).toEqual([...Array(10).fill("BAD_SECRET"), "RATE_LIMITED", "RATE_LIMITED"]);
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
      }
    },
    30_000,
  );
});

describe("buzzer_server.ts --redis when Redis drops its connections", () => {
  test.if(redisAvailable)(
    "listens again after its subscriber is cut (CLIENT KILL): commands and verdicts still cross processes",
    async () => {
      const servers = await Promise.all([member(), member()]);
      const [a, b] = servers as [Server, Server];
      try {
        const { peer: host } = await Peer.join(a.url, { room: "CUT", secret: SECRET });
        const { peer: far } = await Peer.join(b.url, { room: "CUT", name: "Bea" });
        host.send({ type: "arm" });
        await far.next("state", (s) => s.phase === "open", 5000);
        // Bun's subscriber reconnects by itself but does not subscribe again: the bus must.
        const admin = new RedisClient(redis.url);
        expect(await admin.send("CLIENT", ["KILL", "TYPE", "pubsub"])).toBeGreaterThan(0);
        admin.close();
        await Bun.sleep(1500);
        far.send({ type: "buzz", at: performance.now() });
        expect(await far.next("verdict", () => true, 5000)).toMatchObject({ place: 1, text: "first place!" });
        const state = await host.next("state", (s) => s.order.length === 1, 5000);
        expect(state.order.map((p) => p.name)).toEqual(["Bea"]);
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
      }
    },
    30_000,
  );
});

describe("buzzer_server.ts --redis without Redis", () => {
  test("says in one line that Redis cannot be reached, and exits 1", async () => {
    const down = spawn([
      process.execPath,
      "buzzer/buzzer_server.ts",
      "--redis",
      "redis://127.0.0.1:1",
      "--secret",
      SECRET,
    ]);
    expect(await down.proc.exited).toBe(1);
    expect(down.stderr()).toBe(
      `buzzer/buzzer_server.ts: cannot reach Redis at redis://127.0.0.1:1: Connection closed (is redis-server running there? a Redis with a password needs it in the URL: redis://:PASSWORD@HOST:PORT)\n`,
    );
  });

  test.if(redisAvailable)(
    "says a Redis with a password needs it in the URL, and never prints a password it was given",
    async () => {
      const port = await freePort();
      const locked = spawn(["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", ""]);
      await locked.waitFor(/Ready to accept connections/);
      await redisAdmin(`redis://127.0.0.1:${port}`, "CONFIG", ["SET", "requirepass", "redis-pw"]);
      try {
        const wrong = await run([
          ...[process.execPath, "buzzer/buzzer_server.ts", "--port", "0", "--secret", SECRET],
          ...["--redis", `redis://:not-it@127.0.0.1:${port}`],
        ]);
        expect(wrong.code).toBe(1);
        expect(wrong.stderr).toBe(
          `buzzer/buzzer_server.ts: cannot reach Redis at redis://:***@127.0.0.1:${port}: Connection closed (is redis-server running there? a Redis with a password needs it in the URL: redis://:PASSWORD@HOST:PORT)\n`,
        );
        const right = spawn([
          ...[process.execPath, "buzzer/buzzer_server.ts", "--port", "0", "--secret", SECRET],
          ...["--redis", `redis://:redis-pw@127.0.0.1:${port}`],
        ]);
        await right.waitFor(/Server started on/);
        expect(right.stdout()).toContain(`Sharing rooms through redis://:***@127.0.0.1:${port} as process`);
        expect(right.stdout()).not.toContain("redis-pw");
        expect(await right.stop()).toBe(0);
      } finally {
        await locked.stop();
      }
    },
  );

  test("refuses --redis without a shared --secret, with exit code 2", async () => {
    const alone = await run([process.execPath, "buzzer/buzzer_server.ts", "--redis", "redis://127.0.0.1:1"]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toBe(
      "buzzer/buzzer_server.ts: --redis needs --secret (or BUZZER_SECRET), the same for every process\n",
    );
  });
});

describe("buzzer_server.ts --redis when an owner dies with a command on its way", () => {
  test.if(redisAvailable)(
    "a join published to an owner in the instant it dies is sent again, and the room's next owner answers it",
    async () => {
      const b = await member();
      const ghost = new RedisClient(redis.url);
      const admin = new RedisClient(redis.url);
      try {
        // A process that holds room LOST's lease and hears its channel, but dies before it answers:
        // what Redis does for an owner killed with a message on its way (delivered, never handled).
        await admin.send("SET", ["bz:lease:LOST", "ghost:1", "PX", "60000"]);
        let swallowed = 0;
        await ghost.subscribe("bz:owner:ghost", () => void swallowed++);
        const host = new Peer(b.url);
        await host.opened;
        host.send({ type: "join", room: "LOST", secret: SECRET });
        while (swallowed === 0) await Bun.sleep(20);
        // The ghost is gone now: its subscription and, its lease run out, its lease.
        ghost.close();
        await admin.send("DEL", ["bz:lease:LOST"]);
        const welcome = await host.next("welcome", () => true, 20_000);
        expect(welcome).toMatchObject({ type: "welcome", room: "LOST" });
        expect(await ownerOf("LOST")).toBe(await pidOf(b));
        expect(swallowed).toBe(1);
      } finally {
        ghost.close();
        admin.close();
        await b.stop();
      }
    },
    40_000,
  );
});

describe("buzzer_server.ts --redis when an owner dies with a host's mark on its way", () => {
  test.if(redisAvailable)(
    "a judge published to an owner in the instant it dies is sent again: the room's next owner gives the points, once",
    async () => {
      const [a, b] = (await Promise.all([member(), member()])) as [Server, Server];
      const ghost = new RedisClient(redis.url);
      const admin = new RedisClient(redis.url);
      try {
        // A runs room MARK; the host's console and Ann are on B. Ann's answer is placed (journaled by A).
        const { peer: opener } = await Peer.join(a.url, { room: "MARK", secret: "markpass1" });
        const { peer: host } = await Peer.join(b.url, { room: "MARK", secret: "markpass1" });
        const { peer: ann, welcome } = await Peer.join(b.url, { room: "MARK", name: "Ann" });
        opener.send({ type: "arm" });
        await ann.next("state", (s) => s.phase === "open", 5000);
        ann.send({ type: "buzz", at: performance.now() });
        expect(await ann.next("verdict", () => true, 5000)).toMatchObject({ place: 1 });
        await host.next("state", (s) => s.order.length === 1, 5000);
        // A dies; before its lease runs out a process holds it that hears the host's mark and dies
        // before it answers: what Redis does for an owner killed with a message on its way.
        const dead = await pidOf(a);
        a.proc.kill("SIGKILL");
        await a.proc.exited;
        while (!(await listenerGone(`bz:owner:${dead}`))) await Bun.sleep(20);
        await admin.send("SET", ["bz:lease:MARK", "ghost:1", "PX", "60000"]);
        let swallowed = 0;
        await ghost.subscribe("bz:owner:ghost", (text) => {
          if (text.includes('"judge"')) swallowed++;
        });
        host.send({ type: "judge", player: welcome.id, right: true });
        while (swallowed === 0) await Bun.sleep(20);
        ghost.close();
        await admin.send("DEL", ["bz:lease:MARK"]);
        // B takes the room over from its journal and gives the mark: Ann is told, the host sees it.
        expect(await ann.next("score", (s) => s.judged !== undefined, 20_000)).toMatchObject({
          points: 1,
          judged: "right",
        });
        const marked = await host.next("state", (s) => s.order[0]?.judged === "right", 5000);
        expect(marked.scores).toEqual([expect.objectContaining({ name: "Ann", points: 1 })]);
        expect(await ownerOf("MARK")).toBe(await pidOf(b));
        expect(swallowed).toBe(1);
      } finally {
        ghost.close();
        admin.close();
        await Promise.all([a.stop(), b.stop()]);
      }
    },
    40_000,
  );
});

describe("buzzer_server.ts --redis when the owner dies during a countdown", () => {
  test.if(redisAvailable)(
    "the countdown goes on: a press after GO on the phone is placed by the next owner, not a false start that costs points",
    async () => {
      const [a, b] = (await Promise.all([member(), member()])) as [Server, Server];
      try {
        const { peer: host } = await Peer.join(a.url, { room: "GO", secret: "gopass123" });
        host.send({ type: "rules", rules: { falseStart: -1 } });
        await host.next("state", (s) => s.rules?.falseStart === -1, 5000);
        const { peer: ann } = await Peer.join(b.url, { room: "GO", name: "Ann" });
        host.send({ type: "arm", countdown: 3000 });
        const release = await ann.next("release", () => true, 5000);
        const go = performance.now() + release.countdown;
        a.proc.kill("SIGKILL");
        await a.proc.exited;
        // Ann presses once her phone says GO.
        await Bun.sleep(Math.max(0, go - performance.now()) + 20);
        ann.send({ type: "buzz", at: performance.now() });
        const answer = await Promise.race([
          ann.next("verdict", () => true, 15_000),
          ann.next("error", () => true, 15_000),
        ]);
        expect(answer).toMatchObject({ type: "verdict", round: 1, place: 1, text: "first place!" });
        const { peer: viewer } = await Peer.join(b.url, { room: "GO", watch: true });
        const state = await viewer.next("state", () => true, 5000);
        expect(state).toMatchObject({ phase: "open", order: [{ name: "Ann", place: 1 }], scores: [] });
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
    },
    40_000,
  );
});

describe("buzzer_server.ts --redis when the owner is killed with a host's undo and next on their way", () => {
  test.if(redisAvailable)(
    "both are sent again in the order clicked: the room's next owner takes the mark back and starts round 2, once each",
    async () => {
      const [a, b] = (await Promise.all([member(), member()])) as [Server, Server];
      let stopped: Awaited<ReturnType<typeof stopOwner>> | undefined;
      try {
        // A runs room UNDO; the host's console and Ann are on B. Ann's answer is placed and marked right.
        const { peer: opener } = await Peer.join(a.url, { room: "UNDO", secret: "undopass1" });
        const { peer: host } = await Peer.join(b.url, { room: "UNDO", secret: "undopass1" });
        const { peer: ann, welcome } = await Peer.join(b.url, { room: "UNDO", name: "Ann" });
        opener.send({ type: "arm" });
        await ann.next("state", (s) => s.phase === "open", 5000);
        ann.send({ type: "buzz", at: performance.now() });
        expect(await ann.next("verdict", () => true, 5000)).toMatchObject({ place: 1 });
        host.send({ type: "judge", player: welcome.id, right: true, round: 1 });
        await host.next("state", (s) => s.order[0]?.judged === "right", 5000);
        // A stops (it reads nothing more), the console's Undo and Next reach its channel, then A is killed:
        // an owner that died with both delivered and never handled.
        stopped = await stopOwner(a, redis.url);
        host.send({ type: "unjudge", player: welcome.id, round: 1 });
        host.send({ type: "next", round: 1 });
        expect(await stopped.until('"next"')).toContain('"unjudge"');
        await stopped.kill();
        // B takes the room over from its journal (the mark in it) and carries out both, in order.
        const state = await host.next("state", (s) => s.round === 2 && s.phase === "open", 20_000);
        expect(state.order).toEqual([]);
        expect(state.scores.find((s) => s.name === "Ann")?.points ?? 0).toBe(0);
        expect(await ownerOf("UNDO")).toBe(await pidOf(b));
        // The Undo once: a second would be refused (ROUND_OVER once the Next is carried out) before this answer.
        host.send({ type: "scores" });
        await host.next("scores", () => true, 5000);
        expect(host.received.filter((m) => typeof m === "object" && m.type === "error")).toEqual([]);
      } finally {
        stopped?.close();
        await Promise.all([a.stop(), b.stop()]);
      }
    },
    40_000,
  );
});
