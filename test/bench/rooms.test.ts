import { describe, expect, test } from "bun:test";
import { newResult, type RoomRound } from "../../bench/load_result.ts";
import type { Measured } from "../../bench/measure.ts";
import { roomFloor, rooms } from "../../bench/rooms.ts";
import { BARE_ROOM, SERVERS, type ServerSpec } from "../../bench/servers.ts";
import type { ScenarioSummary } from "../../bench/summary.ts";
import { server } from "./summaries.ts";

const ours = SERVERS[0] as ServerSpec;
const bytes = { median: 500, max: 900 };
const join = {
  joinMs: 300,
  tailMs: 30,
  openMs: 270,
  bytes,
  serverCpuSec: 0,
  loadCpuSec: 0,
  machineCpuSec: 0,
};

/** A room run whose one round's last verdict came after `timeMs`, every reply checked. */
function run(timeMs: number): Measured {
  const cpu = { serverCpuSec: 0.01, loadCpuSec: 0, machineCpuSec: 0.01, serverThreads: {} };
  const round: RoomRound = {
    timeMs,
    sendMs: 1,
    verdicts: 0,
    firstPlaces: 1,
    bytes,
    deltas: 2,
    pings: 0,
    ...cpu,
  };
  return {
    result: { ...newResult("room", "", 0), ok: true, room: { join, rounds: [round] } },
    serverCpuTotalSec: 1,
  };
}

describe("rooms", () => {
  test("runs each size against each server in turns, and lists them in the order given", async () => {
    const calls: string[] = [];
    const { summaries, raw } = await rooms(
      [1000, 5000],
      10,
      [ours, BARE_ROOM],
      async (spec, args) => {
        calls.push(`${spec.id} ${args[3]}`);
        if (spec.id === "room" && args[3] === "5000") throw new Error("server exited");
        return run(spec.id === "ours" ? 40 : 30);
      },
      () => {},
    );
    expect(calls).toEqual(["ours 1000", "room 1000", "room 5000", "ours 5000"]);
    expect(Object.keys(raw)).toEqual(["room1000", "room5000"]);
    expect(summaries.map((s) => s.servers.map((x) => [x.label, x.ok, x.metrics.timeMs?.median]))).toEqual([
      [
        ["ours", true, 40],
        ["bare room", true, 30],
      ],
      [
        ["ours", true, 40],
        ["bare room", false, undefined],
      ],
    ]);
    expect(summaries[1]?.servers[1]?.errorSamples).toEqual(["server exited"]);
  });

  test("roomFloor marks the bare room's last verdict against the target and gives ours against it", () => {
    const rooms: ScenarioSummary[] = [
      { key: "room1000", title: "1,000 players", servers: [server("ours", 40, 45), server("room", 16, 30)] },
      {
        key: "room5000",
        title: "5,000 players",
        servers: [server("ours", 36, 180), server("room", 24, 130)],
      },
      { key: "room19900", title: "19,900 players", servers: [server("ours", 38, 780)] },
    ];
    expect(roomFloor(rooms).slice(2)).toEqual([
      "| 1,000 players | 30.0 ✅ | 1.50× | 2.50× |",
      "| 5,000 players | 130 ❌ | 1.38× | 1.50× |",
    ]);
  });

  test("roomFloor says nothing when the bare room was not measured", () => {
    const rooms: ScenarioSummary[] = [
      { key: "room1000", title: "1,000 players", servers: [server("ours", 40, 45)] },
    ];
    expect(roomFloor(rooms)).toEqual([]);
  });
});
