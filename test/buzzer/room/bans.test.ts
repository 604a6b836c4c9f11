import { describe, expect, test } from "bun:test";
import { LIMITS } from "../../../buzzer/protocol.ts";
import { addBan, isBanned, newBans } from "../../../buzzer/room/bans.ts";

const token = (n: number) => n.toString(16).padStart(32, "0");

describe("bans", () => {
  test("bans a name as names are compared, and a token", () => {
    const bans = newBans();
    addBan(bans, { name: "Ａlice", token: token(1) });
    expect(isBanned(bans, { name: "alice" })).toBe(true);
    expect(isBanned(bans, { name: "ALICE\u200b" })).toBe(true);
    expect(isBanned(bans, { token: token(1) })).toBe(true);
    expect(isBanned(bans, { name: "Alicia", token: token(2) })).toBe(false);
    expect(isBanned(bans, {})).toBe(false);
  });

  test("never bans the empty token a plain-text player has", () => {
    const bans = newBans();
    addBan(bans, { name: "Player 3", token: "" });
    expect(isBanned(bans, { token: "" })).toBe(false);
    expect(bans.tokens.size).toBe(0);
  });

  test("keeps at most LIMITS.bans, lifting the oldest first", () => {
    const bans = newBans();
    for (let n = 0; n <= LIMITS.bans; n++) addBan(bans, { name: `P${n}`, token: token(n) });
    expect(bans.list.length).toBe(LIMITS.bans);
    expect(isBanned(bans, { name: "P0" })).toBe(false);
    expect(isBanned(bans, { token: token(0) })).toBe(false);
    expect(isBanned(bans, { name: "P1" })).toBe(true);
    expect(isBanned(bans, { name: `P${LIMITS.bans}` })).toBe(true);
    expect(bans.names.size).toBe(LIMITS.bans);
  });

  test("a name banned twice stays banned when the older ban is lifted", () => {
    const bans = newBans();
    addBan(bans, { name: "Bob", token: token(0) });
    addBan(bans, { name: "bob", token: token(1) });
    for (let n = 2; n <= LIMITS.bans; n++) addBan(bans, { name: `P${n}`, token: token(n) });
    expect(isBanned(bans, { token: token(0) })).toBe(false);
    expect(isBanned(bans, { name: "Bob" })).toBe(true);
  });
});
