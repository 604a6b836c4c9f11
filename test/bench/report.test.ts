import { describe, expect, test } from "bun:test";
import { fairFloor } from "../../bench/report.ts";
import type { ScenarioSummary } from "../../bench/summary.ts";
import { server } from "./summaries.ts";

describe("report", () => {
  test("fairFloor gives, per burst size, bare fair against bare Bun and ours against bare fair", () => {
    const bursts: ScenarioSummary[] = [
      {
        key: "burst1000",
        title: "1,000 clients",
        servers: [server("ours", 30), server("bare", 15), server("fair", 20)],
      },
      { key: "burst5000", title: "5,000 clients", servers: [server("ours", 21), server("bare", 14)] },
    ];
    const rows = fairFloor(bursts).filter((line) => line.startsWith("| 1") || line.startsWith("| 5"));
    expect(rows).toEqual(["| 1,000 clients | 1.33× | 1.50× |"]);
  });

  test("fairFloor says nothing when bare fair was not measured", () => {
    const bursts: ScenarioSummary[] = [
      { key: "burst1000", title: "1,000 clients", servers: [server("ours", 30), server("bare", 15)] },
    ];
    expect(fairFloor(bursts)).toEqual([]);
  });
});
