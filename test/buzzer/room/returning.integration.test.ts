/**
 * A player back under its name against the real server: the address the gateway saw reaches the
 * room, so a client that lost its token and joins again from the same machine is the same player.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startServer } from "../../support.ts";
import { Peer } from "../peer.ts";

let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  server = await startServer("buzzer/buzzer_server.ts", ["--secret", "s3cret"]);
});
afterAll(async () => {
  await server.stop();
});

describe("returning", () => {
  test("a player who joins again by name with no token, from the same address, keeps its id and points", async () => {
    const { peer: host } = await Peer.join(server.url, { room: "BACK", secret: "roomsecret" });
    const { peer: carol, welcome } = await Peer.join(server.url, { room: "BACK", name: "Carol" });
    host.send({ type: "award", player: welcome.id, points: 3 });
    await host.next("state", (s) => s.players.some((p) => p.name === "Carol" && p.points === 3));
    carol.close();
    await host.next("state", (s) => s.players.some((p) => p.name === "Carol" && !p.connected));
    const back = await Peer.join(server.url, { room: "BACK", name: "Carol" });
    expect(back.welcome).toMatchObject({ id: welcome.id, name: "Carol", token: welcome.token });
    const state = await host.next("state", (s) => s.players.some((p) => p.connected));
    expect(state.players.map((p) => [p.name, p.points])).toEqual([["Carol", 3]]);
    expect(state.playerCount).toBe(1);
    back.peer.close();
    host.close();
  });
});
