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

  test("a player removed while offline comes back with its token to its points and team, on one line", async () => {
    const { peer: host } = await Peer.join(server.url, { room: "TOKN", secret: "roomsecret" });
    const first = await Peer.join(server.url, { room: "TOKN", name: "Ann", team: "Owls" });
    host.send({ type: "award", player: first.welcome.id, points: 5 });
    await host.next("state", (s) => s.players.some((p) => p.name === "Ann" && p.points === 5));
    first.peer.close();
    await host.next("state", (s) => s.players.some((p) => p.name === "Ann" && !p.connected));
    // "Remove offline players": Ann is forgotten, her line stays on the board.
    host.send({ type: "prune" });
    await host.next("state", (s) => s.playerCount === 0 && s.players.length === 0);
    const back = await Peer.join(server.url, { room: "TOKN", name: "Ann", token: first.welcome.token });
    expect(back.welcome).toMatchObject({ name: "Ann", token: first.welcome.token });
    const state = await host.next("state", (s) => s.players.some((p) => p.connected));
    expect(state.scores.map((l) => [l.name, l.team, l.points])).toEqual([["Ann", "Owls", 5]]);
    host.send({ type: "scores" });
    const csv = await host.next("scores");
    expect(csv.data.trim().split("\n").slice(1)).toEqual(["1,Ann,Owls,5"]);
    back.peer.close();
    host.close();
  });
});
