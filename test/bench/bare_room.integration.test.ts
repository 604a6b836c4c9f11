import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SECRET } from "../../bench/servers.ts";
import { type Server, startServer } from "../support.ts";
import { load } from "./load_run.ts";

describe("bench/reference/bare_room.ts", () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer("bench/reference/bare_room.ts", ["--secret", SECRET]);
  });
  afterAll(async () => {
    await server.stop();
  });

  test("plays the big-room scenario with 40 phones: joins, snapshots, deltas and verdicts checked by the load generator", async () => {
    const args = ["--scenario", "room", "--conns", "40", "--rounds", "3", "--pause", "20"];
    const r = await load(server.url, [...args, "--control", `host:${SECRET}`]);
    expect(r.errorSamples).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.room?.rounds.map((x) => [x.verdicts, x.firstPlaces])).toEqual(Array(3).fill([40, 1]));
    // Coalesced: the round's ten top places come in one delta (with, at most, the one that opened it).
    for (const round of r.room?.rounds ?? []) expect(round.deltas).toBeLessThanOrEqual(2);
  }, 60_000);

  test("refuses a host with the wrong secret with close code 4003", async () => {
    const ws = new WebSocket(server.url);
    await new Promise((resolve) => ws.addEventListener("open", resolve));
    const closed = new Promise<CloseEvent>((resolve) => ws.addEventListener("close", resolve));
    ws.send(JSON.stringify({ type: "join", room: "BIG", secret: "wrong" }));
    const e = await closed;
    expect([e.code, e.reason]).toEqual([4003, "wrong secret"]);
  });
});
