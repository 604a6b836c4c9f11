/**
 * A server process killed outright in a cluster: the process that runs the room finds its gateway
 * gone (bus/gateway_watch.ts), and the players and host connected through it leave the room, as if
 * their connections had closed; players there come back with their tokens elsewhere as ever.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { hasRedis, type Running, startRedis } from "../support.ts";
import { member as clusterMember, type Server } from "./cluster_support.ts";
import { Peer } from "./peer.ts";

const redisAvailable = hasRedis();
const SECRET = "cluster-secret";
/** The longest wait for the owner to notice: only to stop a hang (it checks every second). */
const NOTICE = 20_000;

let redis: Running & { url: string };
beforeAll(async () => {
  if (redisAvailable) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe("buzzer_server.ts --redis when a process that does not run the room is killed", () => {
  test.if(redisAvailable)(
    "its players become away (counted offline, for the host to remove) and its host leaves the room unhosted; a token brings a player back",
    async () => {
      const [a, b] = (await Promise.all([
        clusterMember(redis.url, SECRET),
        clusterMember(redis.url, SECRET),
      ])) as [Server, Server];
      try {
        // The room is opened, and so run, by the process its first host is on; then the host there
        // leaves, and the room is hosted from the other process only.
        const { peer: opener } = await Peer.join(a.url, { room: "GONE", secret: SECRET });
        const { peer: host } = await Peer.join(b.url, { room: "GONE", secret: SECRET });
        const { peer: viewer } = await Peer.join(a.url, { room: "GONE", watch: true });
        opener.close();
        const { peer: ann } = await Peer.join(a.url, { room: "GONE", name: "Ann" });
        const { peer: bea, welcome } = await Peer.join(b.url, { room: "GONE", name: "Bea" });
        await viewer.next("state", (s) => s.playerCount === 2 && s.hosted, NOTICE);

        b.proc.kill("SIGKILL");
        await b.proc.exited;
        const gone = await viewer.next(
          "state",
          (s) => s.playerCount === 1 && !s.hosted && s.players.some((p) => p.name === "Bea" && !p.connected),
          NOTICE,
        );
        expect(gone.offlineCount).toBe(1);
        expect(a.stdout()).toContain("Bea disconnected");
        // Away, not gone: her token brings her back, through the process that is left.
        const { peer: back } = await Peer.join(a.url, { room: "GONE", token: welcome.token });
        const again = await viewer.next("state", (s) => s.playerCount === 2, NOTICE);
        expect(again.players.find((p) => p.name === "Bea")?.connected).toBe(true);
        for (const p of [host, viewer, ann, bea, back]) p.close();
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
    },
    60_000,
  );
});
