import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasRedis, type Running, redisAdmin, startRedis } from "../support.ts";
import { member as clusterMember, type Server } from "./cluster_support.ts";
import { Peer } from "./peer.ts";

const redisAvailable = hasRedis();
const SECRET = "outage-secret";
const LOST =
  "Redis: connection lost (Connection closed): commands that need it are refused until it is back\n";
const BACK = "Redis: connection back: the game goes on\n";
const RESET =
  "Redis: the game's data is gone (Redis restarted empty, or was flushed): every room's game ends, its clients are asked to join again, and MAIN starts afresh\n";
const UNAVAILABLE = {
  type: "error",
  code: "UNAVAILABLE",
  message: "the game's store cannot be reached: try again in a moment",
} as const;

type Redis = Awaited<ReturnType<typeof startRedis>>;

/** A buzzer server process in the cluster on `redis`. */
const member = (redis: Redis) => clusterMember(redis.url, SECRET);

/** Resolves once a process has printed `line` on stderr `times` times (the timeout only stops a hang). */
async function printed(process: Running, line: string, times = 1): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (process.stderr().split(line).length - 1 < times) {
    if (Date.now() > deadline) throw new Error(`no ${JSON.stringify(line)} on stderr: ${process.stderr()}`);
    await Bun.sleep(20);
  }
}

/** Sends one command to Redis as its operator would. */
const admin = (redis: Redis, command: string, args: string[] = []) => redisAdmin(redis.url, command, args);

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => {});
  cleanup = [];
});

/**
 * A real Redis (with its data kept on disk in a fresh folder if `persist`) and two server
 * processes on it, all stopped (and the folder removed) after the test.
 */
async function cluster(persist = false) {
  const dir = persist ? mkdtempSync(join(tmpdir(), "buzzer-redis-")) : undefined;
  if (dir) cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
  let redis = await startRedis({ dir });
  cleanup.push(() => redis.stop());
  const servers = await Promise.all([member(redis), member(redis)]);
  cleanup.push(() => Promise.all(servers.map((s) => s.stop())));
  const [a, b] = servers as [Server, Server];
  return {
    servers,
    a,
    b,
    /** The Redis running now. */
    redis: () => redis,
    /** Starts Redis again on its port, with its data if kept, once it has stopped. */
    async restartRedis() {
      redis = await startRedis({ port: redis.port, dir });
    },
  };
}

describe("buzzer_server.ts --redis when Redis goes down", () => {
  test.if(redisAvailable)(
    "each process says once that Redis is lost and once that it is back, refuses commands with UNAVAILABLE meanwhile, and the round goes on after",
    async () => {
      const { servers, a, b, redis, restartRedis } = await cluster(true);
      const { peer: host } = await Peer.join(a.url, { room: "DOWN", secret: SECRET });
      const { peer: bea } = await Peer.join(b.url, { room: "DOWN", name: "Bea" });
      host.send({ type: "arm" });
      await bea.next("state", (s) => s.phase === "open", 10_000);

      // Saved to disk first, so that Redis comes back with the game (as one run with persistence does).
      await admin(redis(), "SHUTDOWN", ["SAVE"]).catch(() => {});
      await redis().proc.exited;
      await Promise.all(servers.map((s) => printed(s, LOST)));
      // Every try is refused while Redis is away, and none of them is a line of its own.
      for (let i = 0; i < 3; i++) {
        bea.send({ type: "buzz", at: performance.now() });
        expect(await bea.next("error", () => true, 10_000)).toEqual(UNAVAILABLE);
      }
      host.send({ type: "lock" });
      expect(await host.next("error", () => true, 10_000)).toEqual(UNAVAILABLE);

      await restartRedis();
      await Promise.all(servers.map((s) => printed(s, BACK)));
      bea.send({ type: "buzz", at: performance.now() });
      expect(await bea.next("verdict", () => true, 10_000)).toMatchObject({ place: 1, text: "first place!" });
      const state = await host.next("state", (s) => s.order.length === 1, 10_000);
      expect(state.order.map((p) => p.name)).toEqual(["Bea"]);
      for (const s of servers) expect(s.stderr()).toBe(LOST + BACK);
    },
    60_000,
  );
});

describe("buzzer_server.ts --redis when Redis loses the game's data", () => {
  /** MAIN with a player on each process, and room GONE with its host on one and a player on the other. */
  async function game() {
    const running = await cluster();
    const { a, b } = running;
    const { peer: ann } = await Peer.join(a.url, { name: "Ann" });
    const { peer: bea } = await Peer.join(b.url, { name: "Bea" });
    ann.send({ type: "buzz", at: performance.now() });
    expect(await ann.next("verdict", () => true, 10_000)).toMatchObject({ place: 1 });
    const { peer: host } = await Peer.join(a.url, { room: "GONE", secret: SECRET });
    const { peer: cy } = await Peer.join(b.url, { room: "GONE", name: "Cy" });
    return { ...running, peers: [ann, bea, host, cy] };
  }

  /** What a process's operator and every client see, and that MAIN and GONE can be joined afresh. */
  async function afterwards({ servers, a, b, peers }: Awaited<ReturnType<typeof game>>) {
    for (const peer of peers) {
      const closed = await Promise.race([
        peer.closed,
        Bun.sleep(15_000).then(() => Promise.reject(new Error("the client was not closed"))),
      ]);
      expect({ code: closed.code, reason: closed.reason }).toEqual({
        code: 4005,
        reason: "the game's data was lost: join again",
      });
    }
    await Promise.all(servers.map((s) => printed(s, RESET)));
    for (const s of servers) {
      expect(s.stderr()).not.toContain("FENCED");
      expect(s.stdout()).not.toContain("is run by another process now");
    }
    // MAIN starts afresh (open: the first buzz wins); a host opens GONE again.
    const { peer: dee } = await Peer.join(b.url, { name: "Dee" });
    dee.send({ type: "buzz", at: performance.now() });
    expect(await dee.next("verdict", () => true, 10_000)).toMatchObject({ place: 1, text: "first place!" });
    const again = await Peer.join(a.url, { room: "GONE", secret: SECRET });
    expect(again.welcome).toMatchObject({ type: "welcome", room: "GONE" });
  }

  test.if(redisAvailable)(
    "restarted empty: every client in a room is closed with 4005 and a reason, each operator reads one line, and MAIN works afresh",
    async () => {
      const played = await game();
      played.redis().proc.kill("SIGKILL");
      await played.redis().proc.exited;
      await Promise.all(played.servers.map((s) => printed(s, LOST)));
      await played.restartRedis();
      await afterwards(played);
      for (const s of played.servers) expect(s.stderr()).toBe(LOST + BACK + RESET);
    },
    60_000,
  );

  test.if(redisAvailable)(
    "flushed (FLUSHALL): every client in a room is closed with 4005 and a reason, each operator reads one line, and MAIN works afresh",
    async () => {
      const played = await game();
      await admin(played.redis(), "FLUSHALL");
      await afterwards(played);
      for (const s of played.servers) expect(s.stderr()).toBe(RESET);
    },
    60_000,
  );
});
