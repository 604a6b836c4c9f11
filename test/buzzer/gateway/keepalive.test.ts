import { describe, expect, test } from "bun:test";
import { KEEPALIVE, Keepalive } from "../../../buzzer/gateway/keepalive.ts";

describe("Keepalive", () => {
  test("finds a room whose players have heard nothing for KEEPALIVE ms, and counts it as heard then", () => {
    const k = new Keepalive();
    expect(k.quiet(["QUIZ"], 0)).toEqual([]);
    expect(k.quiet(["QUIZ"], KEEPALIVE - 1)).toEqual([]);
    expect(k.quiet(["QUIZ"], KEEPALIVE)).toEqual(["QUIZ"]);
    expect(k.quiet(["QUIZ"], 2 * KEEPALIVE - 1)).toEqual([]);
    expect(k.quiet(["QUIZ"], 2 * KEEPALIVE)).toEqual(["QUIZ"]);
  });

  test("leaves a room alone while it sends its players news of its own", () => {
    const k = new Keepalive();
    k.quiet(["QUIZ", "PUB"], 0);
    k.heard("QUIZ", 2000);
    expect(k.quiet(["QUIZ", "PUB"], KEEPALIVE)).toEqual(["PUB"]);
    expect(k.quiet(["QUIZ", "PUB"], 2000 + KEEPALIVE)).toEqual(["QUIZ"]);
  });

  test("starts the count afresh for a room it forgot", () => {
    const k = new Keepalive();
    k.quiet(["QUIZ"], 0);
    k.forget("QUIZ");
    expect(k.quiet(["QUIZ"], 10 * KEEPALIVE)).toEqual([]);
    expect(k.quiet(["QUIZ"], 11 * KEEPALIVE)).toEqual(["QUIZ"]);
  });
});
