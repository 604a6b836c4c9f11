import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { hasRedis, type Running, startRedis } from "../support.ts";
import { member as clusterMember, type Server, stopOwner } from "./cluster_support.ts";
import { Peer } from "./peer.ts";

const redisAvailable = hasRedis();
let redis: Running & { url: string };

/** A buzzer server process in the cluster. */
const member = () => clusterMember(redis.url);

beforeAll(async () => {
  if (redisAvailable) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe("buzzer_server.ts --redis when the owner is killed with a host's awards on their way", () => {
  test.if(redisAvailable)(
    "an award with an id is sent again to the room's next owner and gives its points once; a copy of one given already gives nothing",
    async () => {
      const [a, b] = (await Promise.all([member(), member()])) as [Server, Server];
      let stopped: Awaited<ReturnType<typeof stopOwner>> | undefined;
      try {
        // A runs room AWARD; the host's console and Ann are on B. A gives Ann 5 points (award k1, journaled).
        const { peer: opener } = await Peer.join(a.url, { room: "AWARD", secret: "awardpass1" });
        const { peer: host } = await Peer.join(b.url, { room: "AWARD", secret: "awardpass1" });
        const { peer: ann, welcome } = await Peer.join(b.url, { room: "AWARD", name: "Ann" });
        const points = (s: { scores: { name: string; points: number }[] }) =>
          s.scores.find((l) => l.name === "Ann")?.points ?? 0;
        host.send({ type: "award", player: welcome.id, points: 5, id: "k1" });
        await host.next("state", (s) => points(s) === 5, 5000);
        // A stops (it reads nothing more); award k2, a copy of k1 (as one whose answer was lost with its
        // owner would come) and a Next reach its channel; then A is killed, with all three unhandled.
        stopped = await stopOwner(a, redis.url);
        host.send({ type: "award", player: welcome.id, points: 3, id: "k2" });
        host.send({ type: "award", player: welcome.id, points: 5, id: "k1" });
        host.send({ type: "next", round: 1 });
        const heard = await stopped.until('"next"');
        expect(heard.match(/"award"/g)?.length).toBe(2);
        await stopped.kill();
        // B takes the room over from its journal (k1 in it) and carries out all three, in order.
        // (The Next opens round 1: a room's first question, never played, is its first round.)
        const state = await host.next("state", (s) => s.phase === "open", 20_000);
        expect(points(state)).toBe(8);
        // Ann's page, given the room afresh by its next owner, says 8.
        await ann.next("state", (s) => s.you?.points === 8, 5000);
        // Nothing more comes of them: the scores asked for after say 8 too.
        host.send({ type: "scores" });
        const csv = await host.next("scores", () => true, 5000);
        expect(csv.data).toMatch(/Ann,,8\b/);
        expect(host.received.filter((m) => typeof m === "object" && m.type === "error")).toEqual([]);
        opener.close();
      } finally {
        stopped?.close();
        await Promise.all([a.stop(), b.stop()]);
      }
    },
    40_000,
  );
});
