import { describe, expect, test } from "bun:test";
import { roomFloor } from "../../bench/rooms.ts";
import type { ScenarioSummary } from "../../bench/summary.ts";
import { server } from "./summaries.ts";

describe("rooms", () => {
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
