import { describe, expect, test } from "bun:test";
import { type HostStep, hostKey, type Kick } from "../../buzzer/host_keys.ts";
import { COUNTDOWN_MS, type Phase, type PlayerView, type RoomView } from "../../buzzer/protocol.ts";

const players: PlayerView[] = Array.from({ length: 11 }, (_, i) => ({
  id: `id${i + 1}`,
  name: `P${i + 1}`,
  connected: true,
  lockedOut: false,
  points: 0,
}));

const room = (phase: Phase): RoomView => ({
  room: "MAIN",
  version: 0,
  round: 2,
  phase,
  players,
  playerCount: players.length,
  scoreCount: 0,
  order: [],
  hosted: true,
  scores: [],
  teams: [],
});

/** The steps for typing `keys` one by one, from no kick. */
function typed(keys: string, roster: readonly PlayerView[] = players): HostStep[] {
  let kick: Kick | null = null;
  return [...keys].map((key) => {
    const step = hostKey(key, kick, room("open"), roster);
    kick = step.kick;
    return step;
  });
}

describe("host_keys", () => {
  test("k, 1, 0 and Enter kick the tenth player, and nothing is sent before Enter", () => {
    const steps = typed("k10\r");
    expect(steps.slice(0, 3).map((s) => s.send)).toEqual([undefined, undefined, undefined]);
    expect(steps[0]?.say).toBe("Kick: type the player's number, then Enter (Escape cancels)");
    expect(steps[3]).toEqual({ kick: null, say: "Kicking P10", send: { type: "kick", player: "id10" } });
  });

  test("Escape, any other key or Enter with no number cancels; Backspace takes a digit back", () => {
    expect(typed("k1\x1b").at(-1)).toEqual({ kick: null, say: "Kick cancelled" });
    expect(typed("k1x").at(-1)).toEqual({ kick: null, say: "Kick cancelled" });
    expect(typed("k\r").at(-1)).toEqual({ kick: null, say: "Kick cancelled" });
    expect(typed("k12\x7f\r").at(-1)?.send).toEqual({ type: "kick", player: "id1" });
  });

  test("a number not in the list, or one whose player changed while typing, kicks nobody", () => {
    expect(typed("k12\r").at(-1)).toEqual({ kick: null, say: "No player [12] in the list" });
    const kick: Kick = { digits: "3", roster: players };
    const reprinted = [players[0], players[1], players[3]] as PlayerView[];
    expect(hostKey("\r", kick, room("open"), reprinted)).toEqual({
      kick: null,
      say: "The player list changed: kick cancelled, press k again",
    });
  });

  test("n starts a new round and x the next question, as the server's own keys do, naming the round they leave", () => {
    expect(hostKey("n", null, room("open"), players)).toStrictEqual({
      kick: null,
      send: { type: "reset", round: 2 },
    });
    expect(hostKey("x", null, room("open"), players)).toStrictEqual({
      kick: null,
      send: { type: "next", round: 2 },
    });
  });

  test("x from an unplayed round says so, so a second x before the view moves on opens nothing more", () => {
    expect(hostKey("x", null, { ...room("locked"), unplayed: true }, players).send).toStrictEqual({
      type: "next",
      round: 2,
      unplayed: true,
    });
  });

  test("l on a locked round and o on an open one say so instead of sending", () => {
    expect(hostKey("l", null, room("locked"), players)).toEqual({
      kick: null,
      say: "Round 2 is locked already",
    });
    expect(hostKey("o", null, room("open"), players)).toEqual({ kick: null, say: "Round 2 is open already" });
  });

  test("o, c and l open, count down and lock naming the round they show, so a late copy does nothing to the next one", () => {
    expect(hostKey("l", null, room("open"), players).send).toStrictEqual({ type: "lock", round: 2 });
    expect(hostKey("o", null, room("locked"), players).send).toStrictEqual({ type: "arm", round: 2 });
    expect(hostKey("o", null, room("armed"), players).send).toStrictEqual({ type: "arm", round: 2 });
    expect(hostKey("c", null, room("locked"), players).send).toStrictEqual({
      type: "arm",
      countdown: COUNTDOWN_MS,
      round: 2,
    });
  });
});
