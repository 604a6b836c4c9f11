import { afterEach, describe, expect, test } from "bun:test";
import { linkQuery, startProxy } from "../../bench/fairness/proxy.ts";
import { JOURNAL_LINES } from "../../buzzer/bus/leases.ts";
import { NOT_KEPT } from "../../buzzer/room/effects.ts";
import { hasRedis, redisAdmin, startRedis, startServer } from "../support.ts";
import { member } from "./cluster_support.ts";
import { Peer } from "./peer.ts";

const redisAvailable = hasRedis();
const SECRET = "bounds-secret";

type Redis = Awaited<ReturnType<typeof startRedis>>;

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => {});
  cleanup = [];
});

/** A real Redis and two server processes on it, all stopped after the test. */
async function cluster() {
  const redis = await startRedis();
  cleanup.push(() => redis.stop());
  const [a, b] = await Promise.all([member(redis.url, SECRET), member(redis.url, SECRET)]);
  cleanup.push(() => Promise.all([a.stop(), b.stop()]));
  return { redis, a, b };
}

/** Sends one command to Redis as its operator would. */
const admin = (redis: Redis, command: string, args: string[] = []) => redisAdmin(redis.url, command, args);

/** Resolves once `check` holds (the timeout only stops a hang); rejects with what it last saw. */
async function until<T>(look: () => Promise<T>, check: (seen: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const seen = await look();
    if (check(seen)) return seen;
    if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(seen)}`);
    await Bun.sleep(50);
  }
}

describe("buzzer_server.ts --redis: what clients leave in Redis", () => {
  test.if(redisAvailable)(
    "joins for rooms no one opened are refused and leave no key in Redis, and no lease renewed",
    async () => {
      const { redis, b } = await cluster();
      const peer = new Peer(b.url);
      await peer.opened;
      for (let i = 0; i < 30; i++) {
        // A player's join, and now and then a would-be host's whose secret is too short to open the room.
        const room = `GHOST${i}`;
        const host = i % 10 === 0;
        peer.send({ type: "join", room, ...(host ? { secret: "short" } : { name: "Eve" }) });
        const error = await peer.next("error", () => true, 10_000);
        expect({ code: error.code, message: error.message }).toEqual(
          host
            ? { code: "BAD_SECRET", message: "a new room's secret needs at least 8 characters" }
            : { code: "NO_SUCH_ROOM", message: `no room ${room} (a host opens it first)` },
        );
      }
      await until(
        async () => (await admin(redis, "KEYS", ["*GHOST*"])) as string[],
        (keys) => keys.length === 0,
      );
      // A room a host opens is kept as before.
      const { peer: host } = await Peer.join(b.url, { room: "REAL", secret: SECRET });
      const { peer: ann } = await Peer.join(b.url, { room: "REAL", name: "Ann" });
      host.send({ type: "arm" });
      await ann.next("state", (s) => s.phase === "open", 10_000);
      expect(await admin(redis, "EXISTS", ["bz:lease:REAL", "bz:journal:REAL"])).toBe(2);
      expect(b.stderr()).toBe("");
    },
    60_000,
  );

  test.if(redisAvailable)(
    "a room's journal stays bounded however many rounds its host plays, and the next owner restores the game from it",
    async () => {
      const { redis, a, b } = await cluster();
      // The host's process owns the room; the player is on the other.
      const { peer: host } = await Peer.join(a.url, { room: "LONG", secret: SECRET });
      const { peer: bea } = await Peer.join(b.url, { room: "LONG", name: "Bea" });
      // A host (any client may open a room and be its host) playing rounds as fast as it may.
      let round = 0;
      for (let batch = 0; batch < 5; batch++) {
        for (let i = 0; i < 500; i++) host.send({ type: "next" });
        const target = round + 499;
        round = (await host.next("state", (s) => s.round >= target && s.phase === "open", 20_000)).round;
        // Within a host's allowance: 500 messages a second.
        await Bun.sleep(1000);
      }
      round = host.view?.round ?? round;
      expect(host.received.filter((m) => typeof m === "object" && m.type === "error")).toEqual([]);
      const lines = (await admin(redis, "LLEN", ["bz:journal:LONG"])) as number;
      expect(lines).toBeLessThanOrEqual(JOURNAL_LINES);

      // The owner dies: the player's process takes the room over from its journal, the round still open.
      a.proc.kill("SIGKILL");
      bea.send({ type: "buzz", at: performance.now() });
      const verdict = await bea.next("verdict", () => true, 20_000);
      expect({ round: verdict.round, place: verdict.place }).toEqual({ round, place: 1 });
    },
    90_000,
  );
});

describe("buzzer_server.ts --redis when Redis pauses past a lease", () => {
  test.if(redisAvailable)(
    "a buzz whose journal write is refused after Redis paused past the lease gets UNAVAILABLE, not silence, and pressing again places it",
    async () => {
      const { redis, a } = await cluster();
      const { peer: host } = await Peer.join(a.url, { room: "PAUSE", secret: SECRET });
      const { peer: ann } = await Peer.join(a.url, { room: "PAUSE", name: "Ann" });
      host.send({ type: "arm" });
      await ann.next("state", (s) => s.phase === "open", 10_000);
      // Redis stops answering (not closed: no process notices) for longer than a lease: when it
      // resumes, the owner's lease has run out and the buzz's journal write is refused.
      redis.proc.kill("SIGSTOP");
      try {
        ann.send({ type: "buzz", at: performance.now() });
        await Bun.sleep(4000);
      } finally {
        redis.proc.kill("SIGCONT");
      }
      const error = await ann.next("error", () => true, 15_000);
      expect({ code: error.code, message: error.message }).toEqual({
        code: "UNAVAILABLE",
        message: NOT_KEPT,
      });
      ann.send({ type: "buzz", at: performance.now() });
      expect(await ann.next("verdict", () => true, 15_000)).toMatchObject({ place: 1 });
    },
    60_000,
  );
});

describe("buzzer_server.ts --redis: compensation", () => {
  // The window waits for a press's allowance plus the time a buzz may spend on the bus (10 ms), and
  // never longer than --max-wait: no press is credited earlier than that.
  test.if(redisAvailable)(
    "caps a far player's compensation at --max-wait less the bus delay",
    async () => {
      const redis = await startRedis();
      cleanup.push(() => redis.stop());
      const server = await startServer("buzzer/buzzer_server.ts", [
        "--redis",
        redis.url,
        "--secret",
        SECRET,
        "--max-wait",
        "100",
      ]);
      cleanup.push(() => server.stop());
      await server.waitFor(/Links are compensated up to 90 ms, not 250: --max-wait is 100\n/);
      const proxy = startProxy(server.url);
      cleanup.push(async () => proxy.stop());
      const { peer: host } = await Peer.join(server.url, { room: "FAR", secret: SECRET });
      const far = new Peer(`${proxy.url}/${linkQuery({ up: 100, down: 100, jitter: 0, seed: 1 })}`);
      await far.opened;
      far.send({ type: "join", room: "FAR", name: "Far" });
      await far.next("welcome", () => true, 10_000);
      host.send({ type: "arm" });
      await host.next("state", (st) => st.phase === "open", 10_000);
      await Bun.sleep(1500); // the warm-up ping frames measure its 200 ms round trip
      far.send({ type: "buzz", at: performance.now() - 1000 });
      expect((await far.next("verdict", () => true, 10_000)).place).toBe(1);
      host.send({ type: "log" });
      const [record] = (await host.next("log", () => true, 10_000)).data
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(record.rtt).toBeGreaterThan(150);
      expect(record.allowance).toBe(90);
    },
    30_000,
  );
});
