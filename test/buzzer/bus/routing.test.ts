import { describe, expect, test } from "bun:test";
import { channel, gatewayOf, route, unavailable } from "../../../buzzer/bus/routing.ts";
import type { GatewayEffect } from "../../../buzzer/room/commands.ts";

const send = (conn: string): GatewayEffect => ({ type: "send", conn, msg: { type: "ping", id: 1 } });

describe("routing", () => {
  test("names a connection's gateway by its id's first part", () => {
    expect(gatewayOf("p1.42.7")).toBe("p1");
    expect(gatewayOf("a1b2c3.1.0")).toBe("a1b2c3");
  });

  test("splits an owner's effects: a connection's to its gateway, a room's here and to all, in order", () => {
    const publish: GatewayEffect = {
      type: "publish",
      room: "QUIZ",
      audience: "players",
      msg: { type: "ping", id: 2 },
    };
    const effects = [send("me.1.0"), send("b.1.0"), publish, send("c.2.1"), send("b.3.2"), send("me.4.3")];
    const { here, all, there } = route(effects, "me");
    expect(here).toEqual([send("me.1.0"), publish, send("me.4.3")]);
    expect(all).toEqual([publish]);
    expect([...there]).toEqual([
      ["b", [send("b.1.0"), send("b.3.2")]],
      ["c", [send("c.2.1")]],
    ]);
  });

  test("keeps every effect for another process in one list, in order, however many", () => {
    const effects = Array.from({ length: 20_000 }, (_, i) => send(`b.${i}.${i}`));
    const { there } = route(effects, "me");
    expect(there.get("b")).toEqual(effects);
  });

  test("names each process's channels", () => {
    expect([channel.owner("p1"), channel.gateway("p1"), channel.all]).toEqual([
      "bz:owner:p1",
      "bz:gateway:p1",
      "bz:all",
    ]);
  });

  // The original client reads one reply per buzz: an error for a link it never asked about would
  // be read as the next buzz's reply.
  test("tells only connections that asked something to try again while Redis is away", () => {
    const link = { rtt: 10, high: 12, jitter: 1 };
    const claim = {
      player: "x",
      arrival: 1,
      claimed: null,
      mapped: null,
      press: 1,
      uncertainty: 2,
      offset: null,
      rtt: null,
      rttHigh: null,
      jitter: null,
      bound: "estimated" as const,
      allowance: 0,
    };
    const told = unavailable([
      { type: "link", conn: "p1.1.1", room: "MAIN", player: "x", link },
      { type: "rebind", conn: "p1.1.1", room: "MAIN", player: "x" },
      { type: "leave", conn: "p1.1.2", room: "MAIN", player: "y" },
      { type: "buzz", conn: "p1.1.1", room: "MAIN", claim },
      { type: "sync", conn: "p1.1.3", room: "MAIN", player: null },
      { type: "host", conn: null, room: "MAIN", action: { type: "lock" } },
    ]);
    expect(told.map((e) => (e.type === "error" ? [e.conn, e.code] : e.type))).toEqual([
      ["p1.1.1", "UNAVAILABLE"],
      ["p1.1.3", "UNAVAILABLE"],
    ]);
  });
});
