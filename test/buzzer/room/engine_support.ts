/** Shared helpers for the room engine's unit tests: settings, commands, and effect filters. */
import { expect } from "bun:test";
import { type Link, MAX_COMPENSATION } from "../../../buzzer/fair.ts";
import type { RoomDelta, RoomView, ServerMessage } from "../../../buzzer/protocol.ts";
import type { Audience, RoomCommand, RoomEffect } from "../../../buzzer/room/commands.ts";
import type { Buzz } from "../../../buzzer/room/decide.ts";
import { PUBLISH_DELAY, type Settings } from "../../../buzzer/room/effects.ts";
import { apply, type EngineCommand } from "../../../buzzer/room/engine.ts";
import type { Claim } from "../../../buzzer/room/records.ts";
import { newRoom, type Room } from "../../../buzzer/room/state.ts";

/** The n-th id a counter-based `newId` hands out: 32 hex digits whose first 8 (a player id) differ. */
export const nthId = (n: number) => n.toString(16).padStart(8, "0").repeat(4);

/** How long a departed player may resume in these tests, in ms. */
export const GRACE = 60_000;

/** Engine settings with a counter for ids: the first player is `00000001`, its token the second id. */
export function settings(over: Partial<Settings> = {}): Settings {
  let n = 0;
  return {
    maxWait: 1000,
    maxCompensation: MAX_COMPENSATION,
    mainSecret: "main-secret",
    logging: false,
    newId: () => nthId(++n),
    resumeGrace: GRACE,
    // Test rooms take every player from one address; the per-address limits have tests of their own.
    joinRate: { burst: 1_000_000, perSecond: 1 },
    ...over,
  };
}

export const FAST: Link = { rtt: 10, high: 12, jitter: 1 };
export const SLOW: Link = { rtt: 80, high: 100, jitter: 5 };

export type Join = Extract<RoomCommand, { type: "join" }>;

/** A join command for `conn` from 10.0.0.1, with no link and room to add a player unless told otherwise. */
export function joinCmd(room: Room, conn: string, over: Partial<Join> = {}): Join {
  return { type: "join", conn, room: room.code, link: null, mayAdd: true, address: "10.0.0.1", ...over };
}

/** A claim the gateway would have made for a press at `press` that arrived at `arrival`. */
export function claim(player: string, press: number, arrival = press, uncertainty = 2): Claim {
  return {
    player,
    arrival,
    claimed: press,
    mapped: press,
    press,
    uncertainty,
    offset: 0,
    rtt: null,
    rttHigh: null,
    jitter: null,
    bound: "none",
    allowance: arrival - press,
  };
}

export function buzz(conn: string, player: string, press: number, arrival = press, uncertainty = 2): Buzz {
  return { type: "buzz", conn, room: "QUIZ", claim: claim(player, press, arrival, uncertainty) };
}

export const buzzes = (...list: Buzz[]): EngineCommand => ({ type: "buzzes", list });
export const tick: EngineCommand = { type: "tick" };
export const hostCmd = (action: Extract<RoomCommand, { type: "host" }>["action"]): EngineCommand => ({
  type: "host",
  conn: "h",
  room: "QUIZ",
  action,
});
export const leaveCmd = (conn: string, player: string | null): EngineCommand => ({
  type: "leave",
  conn,
  room: "QUIZ",
  player,
});

/** The messages sent to one connection, in order. */
export function sentTo(effects: RoomEffect[], conn: string): ServerMessage[] {
  return effects.flatMap((e) => (e.type === "send" && e.conn === conn ? [e.msg] : []));
}

/** The verdict texts sent, as [conn, text] in order. */
export function verdicts(effects: RoomEffect[]): [string, string][] {
  return effects.flatMap((e): [string, string][] =>
    e.type === "send" && e.msg.type === "verdict" ? [[e.conn, e.msg.text]] : [],
  );
}

export function errors(effects: RoomEffect[]) {
  return effects.flatMap((e) => {
    if (e.type !== "error") return [];
    const { type: _, ...error } = e;
    return [error];
  });
}

export function ofType<T extends RoomEffect["type"]>(effects: RoomEffect[], type: T) {
  return effects.filter((e): e is Extract<RoomEffect, { type: T }> => e.type === type);
}

/** The deltas published to players, in order. */
export function deltas(effects: RoomEffect[]): ({ type: "delta" } & RoomDelta)[] {
  return ofType(effects, "publish").flatMap((e) =>
    e.audience === "players" && e.msg.type === "delta" ? [e.msg] : [],
  );
}

/** The snapshots published to hosts and viewers, in order. */
export function staffStates(effects: RoomEffect[]): ({ type: "state" } & RoomView)[] {
  return ofType(effects, "publish").flatMap((e) =>
    e.audience === "staff" && e.msg.type === "state" ? [e.msg] : [],
  );
}

/** Who each published message went to, in order. */
export function audiences(effects: RoomEffect[]): [Audience, string][] {
  return ofType(effects, "publish").map((e) => [e.audience, e.msg.type]);
}

/** The time the step asked to be woken at (always its last effect). */
export function wakeAt(effects: RoomEffect[]): number | null {
  const last = effects.at(-1);
  if (last?.type !== "wake") throw new Error(`last effect is ${last?.type}, not wake`);
  return last.at;
}

/**
 * A room with players joined at time 0 on connections c1, c2… (player ids 00000001, 00000003…: each
 * new JSON player takes two ids, one for the id and one for the token), its first view already out.
 */
export function roomWith(links: (Link | null)[], phase: "open" | "locked" = "open", s = settings()) {
  const room = newRoom("QUIZ", "quiz-secret", phase);
  const ids = links.map((link, i) => {
    const effects = apply(room, joinCmd(room, `c${i + 1}`, { name: `P${i + 1}`, link }), 0, s);
    const bind = ofType(effects, "bind")[0];
    if (!bind?.player) throw new Error("join did not bind a player");
    return bind.player;
  });
  expect(wakeAt(apply(room, tick, PUBLISH_DELAY, s))).toBeNull();
  return { room, s, ids };
}
