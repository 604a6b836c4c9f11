import { describe, expect, test } from "bun:test";
import { connsByGateway, GatewayWatch, GONE_AFTER, gatewaysOf } from "../../../buzzer/bus/gateway_watch.ts";
import type { RoomCommand } from "../../../buzzer/room/commands.ts";
import { apply } from "../../../buzzer/room/engine.ts";
import { newRoom, type Room } from "../../../buzzer/room/state.ts";
import { joinCmd, settings } from "../room/engine_support.ts";

/** A room with Ann on this process (A), Bea on process B, a host on B, and a viewer on B. */
function room(): Room {
  const r = newRoom("QUIZ", "quiz-secret");
  const s = settings();
  apply(r, joinCmd(r, "A.1.0", { name: "Ann" }), 0, s);
  apply(r, joinCmd(r, "B.1.0", { name: "Bea" }), 0, s);
  apply(r, joinCmd(r, "B.2.0", { secret: "quiz-secret" }), 0, s);
  apply(r, joinCmd(r, "B.3.0", { watch: true }), 0, s);
  return r;
}

describe("gateway_watch", () => {
  test("connsByGateway lists each other process's players, hosts and viewers in this process's rooms", () => {
    const r = room();
    expect(connsByGateway([r], "A")).toEqual(
      new Map([
        [
          "B",
          [
            { type: "leave", room: "QUIZ", conn: "B.1.0", player: "00000003", gone: true },
            { type: "leave", room: "QUIZ", conn: "B.2.0", player: null, gone: true },
            { type: "leave", room: "QUIZ", conn: "B.3.0", player: null, gone: true },
          ],
        ],
      ]),
    );
    expect(gatewaysOf([r], "A")).toEqual(new Set(["B"]));
    expect(gatewaysOf([r], "B")).toEqual(new Set(["A"]));
    expect(connsByGateway([r], "B").get("A")).toEqual([
      { type: "leave", room: "QUIZ", conn: "A.1.0", player: "00000001", gone: true },
    ]);
  });

  test("a gateway not listening GONE_AFTER checks in a row has its connections leave; one that listens again is counted afresh", async () => {
    const r = room();
    const left: RoomCommand[] = [];
    let listens = [false, true, false, false];
    const watch = new GatewayWatch({
      self: "A",
      rooms: () => [r],
      listening: async () => listens.shift() ?? false,
      leave: (cmd) => left.push(cmd),
    });
    expect(GONE_AFTER).toBe(2);
    await watch.check();
    await watch.check();
    await watch.check();
    expect(left).toEqual([]);
    await watch.check();
    expect(left.map((c) => "conn" in c && c.conn)).toEqual(["B.1.0", "B.2.0", "B.3.0"]);
    // Redis cannot be asked: nothing is decided, and the count goes on after.
    listens = [];
    const failing = new GatewayWatch({
      self: "A",
      rooms: () => [r],
      listening: async () => {
        throw new Error("Redis away");
      },
      leave: (cmd) => left.push(cmd),
    });
    await failing.check();
    await failing.check();
    expect(left).toHaveLength(3);
  });
});
