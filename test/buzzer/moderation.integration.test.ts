/**
 * The host's moderation against the real server: a banned player's token and name stay out (across
 * a `--state` restart and a Redis takeover too), a rename reaches the player (a JSON peer and the
 * terminal client) and the host, and prune clears players who went away. Also the join address the
 * pages ask for.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RedisClient } from "bun";
import { lanAddresses } from "../../buzzer/web.ts";
import { bun, hasRedis, startRedis, startServer } from "../support.ts";
import { member, pidOf } from "./cluster_support.ts";
import { Peer } from "./peer.ts";

type Server = Awaited<ReturnType<typeof startServer>>;

/** The refusal a banned player gets from a room. */
const banned = (room: string) =>
  ({ type: "error", code: "BANNED", message: `you were removed from room ${room} by the host` }) as const;
const dir = mkdtempSync(join(tmpdir(), "buzzer-moderation-"));
let server: Server;
beforeAll(async () => {
  server = await startServer("buzzer/buzzer_server.ts", ["--secret", "s3cret"]);
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

let rooms = 0;
/** A fresh room with a host on `at`. */
async function hostedRoom(at: Server = server) {
  const code = `MOD${++rooms}`;
  const { peer: host } = await Peer.join(at.url, { room: code, secret: "roomsecret" });
  return { code, host };
}

describe("moderation", () => {
  test("a banned player's token and name cannot join again; another name can", async () => {
    const { code, host } = await hostedRoom();
    const { peer: troll, welcome } = await Peer.join(server.url, { room: code, name: "Troll" });
    host.send({ type: "kick", player: welcome.id, ban: true });
    const closed = await troll.closed;
    expect([closed.code, closed.reason]).toEqual([4001, "removed and banned by the host"]);
    await host.next("state", (s) => s.players.length === 0);

    const byToken = new Peer(server.url);
    await byToken.opened;
    byToken.send({ type: "join", room: code, name: "Innocent", token: welcome.token });
    expect(await byToken.next("error")).toEqual(banned(code));
    const byName = new Peer(server.url);
    await byName.opened;
    byName.send({ type: "join", room: code, name: "TROLL" });
    expect(await byName.next("error")).toEqual(banned(code));
    // The refused connections are still open: the same socket may join under another name.
    byName.send({ type: "join", room: code, name: "Nice" });
    expect(await byName.next("welcome")).toMatchObject({ name: "Nice" });
    for (const p of [host, byToken, byName]) p.close();
  });

  test("a rename reaches the player as a new welcome and the host's view", async () => {
    const { code, host } = await hostedRoom();
    const { peer: ann, welcome } = await Peer.join(server.url, { room: code, name: "Ann" });
    host.send({ type: "rename", player: welcome.id, name: "Anna" });
    expect(await ann.next("welcome")).toEqual({ ...welcome, name: "Anna" });
    const state = await host.next("state", (s) => s.players.some((p) => p.name === "Anna"));
    expect(state.players.map((p) => p.name)).toEqual(["Anna"]);
    host.send({ type: "rename", player: welcome.id, name: "" });
    expect(await host.next("error")).toEqual({
      type: "error",
      code: "BAD_NAME",
      message: "name must not be empty",
    });
    ann.close();
    host.close();
  });

  test("the terminal client says the host renamed it, not that it reconnected", async () => {
    const { code, host } = await hostedRoom();
    const client = bun("buzzer/buzzer_client.ts", ["--url", server.url, "--room", code, "--name", "Bo"]);
    try {
      await client.waitFor(/Joined room MOD\d+ as Bo\n/);
      const state = await host.next("state", (s) => s.players.length === 1);
      host.send({ type: "rename", player: state.players[0]?.id as string, name: "Bob" });
      await client.waitFor(/The host renamed you Bob\n/);
      expect(client.stdout()).not.toContain("Reconnected");
    } finally {
      client.proc.kill();
      host.close();
    }
  });

  test("prune removes the players who went away and keeps the connected ones", async () => {
    const { code, host } = await hostedRoom();
    const { peer: stays } = await Peer.join(server.url, { room: code, name: "Stays" });
    const { peer: goes } = await Peer.join(server.url, { room: code, name: "Goes" });
    goes.close();
    await host.next("state", (s) => s.players.some((p) => p.name === "Goes" && !p.connected));
    host.send({ type: "prune" });
    const state = await host.next("state", (s) => s.players.length === 1);
    expect(state.players.map((p) => [p.name, p.connected])).toEqual([["Stays", true]]);
    expect(state.playerCount).toBe(1);
    await server.waitFor(/\[MOD\d+\] Removed 1 offline player\n/);
    stays.close();
    host.close();
  });

  test("a ban survives --state restarts: the journal as written, then the snapshot it is compacted to", async () => {
    const file = join(dir, "game.jsonl");
    const first = await startServer("buzzer/buzzer_server.ts", ["--state", file, "--secret", "s3cret"]);
    let again: Server | null = null;
    try {
      const { peer: host } = await Peer.join(first.url, { room: "KEEP", secret: "roomsecret" });
      const { peer: troll, welcome } = await Peer.join(first.url, { room: "KEEP", name: "Troll" });
      host.send({ type: "kick", player: welcome.id, ban: true });
      await troll.closed;
      await first.stop();
      // Each start replays the file, then compacts it: the second start reads the first's snapshot.
      for (let restart = 0; restart < 2; restart++) {
        again = await startServer("buzzer/buzzer_server.ts", ["--state", file]);
        for (const join of [{ token: welcome.token }, { name: "troll" }]) {
          const peer = new Peer(again.url);
          await peer.opened;
          peer.send({ type: "join", room: "KEEP", ...join });
          expect(await peer.next("error")).toEqual(banned("KEEP"));
          peer.close();
        }
        await again.stop();
      }
    } finally {
      await first.stop();
      await again?.stop();
    }
  });
});

describe("moderation --redis", () => {
  test.if(hasRedis())(
    "a ban, the scores, the teams, the rules, a mark and the question timer survive the takeover of their room when the owning process is killed",
    async () => {
      const redis = await startRedis();
      const servers = await Promise.all([member(redis.url), member(redis.url)]);
      try {
        const pids = await Promise.all(servers.map(pidOf));
        const { peer: host } = await Peer.join(servers[0]?.url as string, {
          room: "BANR",
          secret: "roomsecret",
        });
        const { peer: troll, welcome } = await Peer.join(servers[1]?.url as string, {
          room: "BANR",
          name: "Troll",
        });
        const { peer: quinn, welcome: q } = await Peer.join(servers[0]?.url as string, {
          room: "BANR",
          name: "Quinn",
          team: "Red",
        });
        // A timed question is open when the owner dies: long enough that it is still open then.
        host.send({ type: "rules", rules: { right: 2, timer: 6000 } });
        host.send({ type: "arm" });
        await quinn.next("state", (s) => s.phase === "open", 10_000);
        host.send({ type: "judge", player: q.id, right: true });
        await quinn.next("score", (s) => s.points === 2, 10_000);
        host.send({ type: "kick", player: welcome.id, ban: true });
        await troll.closed;
        const client = new RedisClient(redis.url);
        const lease = (await client.get("bz:lease:BANR")) as string;
        client.close();
        const owner = pids.indexOf(lease.split(":")[0] as string);
        expect(owner).toBeGreaterThanOrEqual(0);
        servers[owner]?.proc.kill("SIGKILL");
        await servers[owner]?.proc.exited;
        const survivor = servers[1 - owner] as Server;
        for (const join of [{ token: welcome.token }, { name: "Troll" }]) {
          const peer = new Peer(survivor.url);
          await peer.opened;
          peer.send({ type: "join", room: "BANR", ...join });
          expect(await peer.next("error", () => true, 10_000)).toEqual(banned("BANR"));
          peer.close();
        }
        const { peer: again } = await Peer.join(survivor.url, { room: "BANR", secret: "roomsecret" });
        const view = await again.next("state", () => true, 10_000);
        expect(view.scores).toEqual([{ id: q.id, name: "Quinn", team: "Red", points: 2, rank: 1 }]);
        // Quinn is in the team here or away, as the killed process held its connection or not.
        const teams = view.teams.map(({ players, away, ...t }) => ({ ...t, members: players + (away ?? 0) }));
        expect(teams).toEqual([{ name: "Red", points: 2, rank: 1, members: 1 }]);
        expect(view.rules?.right).toBe(2);
        // The mark came over: marking the same answer again is refused, its points not given twice.
        again.send({ type: "judge", player: q.id, right: true });
        expect(await again.next("error", () => true, 10_000)).toEqual({
          type: "error",
          code: "ALREADY_JUDGED",
          message: "Quinn's answer is already marked right this round",
        });
        // So did the timer: the new owner locks the round when its deadline passes.
        await again.next("state", (s) => s.phase === "locked", 15_000);
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
        await redis.stop();
      }
    },
    45_000,
  );
});

describe("GET /join", () => {
  test("says a server bound to localhost cannot be reached by phones, and is never cached", async () => {
    const res = await fetch(`http://localhost:${server.port}/join`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(await res.json()).toEqual({ url: `http://localhost:${server.port}/`, reachable: false });
  });

  test("gives the LAN address when bound to every interface, and the public URL when one is given", async () => {
    const lan = await startServer("buzzer/buzzer_server.ts", ["--host", "0.0.0.0"]);
    const proxied = await startServer("buzzer/buzzer_server.ts", ["--public-url", "https://quiz.example/"]);
    try {
      const address = lanAddresses().find((a) => !a.includes(":")) ?? "localhost";
      const at = async (s: Server) => (await fetch(`http://localhost:${s.port}/join`)).json();
      expect(await at(lan)).toEqual({ url: `http://${address}:${lan.port}/`, reachable: true });
      expect(await at(proxied)).toEqual({ url: "https://quiz.example/", reachable: true });
      await proxied.waitFor(
        /Players join at https:\/\/quiz\.example\/ \(host console: https:\/\/quiz\.example\/host/,
      );
    } finally {
      await lan.stop();
      await proxied.stop();
    }
  });
});
