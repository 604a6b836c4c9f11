/**
 * A room's data: its players, round and fairness records, and the public view of it. Plain data
 * and small functions; the hub owns the sockets and timers that act on it.
 */
import {
  addSample,
  type ClockEstimate,
  type ClockState,
  emptyClock,
  estimate,
  type Sample,
} from "./clock.ts";
import type { Link } from "./fair.ts";
import type { PlaceView, PlayerView, RoomView } from "./protocol.ts";
import { newRound, type Placed, type Round } from "./round.ts";

/** A player in a room; survives disconnects so a resume keeps identity and recorded buzzes. */
export interface Player {
  id: string;
  name: string;
  token: string;
  connected: boolean;
  /** Speaks the original's plain-text protocol (measured with ping frames, not clock probes). */
  plain: boolean;
  clock: ClockState;
  /** The clock estimate of the current samples, kept so hot paths need not recompute it. */
  est: ClockEstimate | null;
  probes: number;
  nextProbeAt: number;
}

/** One fairness-log line: how a press was placed, from arrival to verdict. */
export interface FairnessRecord {
  room: string;
  round: number;
  player: string;
  name: string;
  arrival: number;
  claimed: number | null;
  mapped: number | null;
  press: number;
  offset: number | null;
  rtt: number | null;
  jitter: number | null;
  uncertainty: number;
  bound: string;
  /** How much earlier than arrival the press was allowed to be, in ms. */
  allowance: number;
  place: number;
  gap: number;
  photo: boolean;
}

/** A room: code, host secret, players by id, the current round and the fairness records. */
export interface Room {
  code: string;
  secret: string;
  round: Round;
  players: Map<string, Player>;
  /** Resume token → player id. */
  tokens: Map<string, string>;
  /** Who is in the current round: a final place, a pending press, or locked out (mirrors `round`). */
  index: Map<string, Placed | "pending" | "locked">;
  records: FairnessRecord[];
  /** Per-press details kept until the press is placed and logged. */
  claims: Map<string, Omit<FairnessRecord, "place" | "gap" | "photo" | "press" | "uncertainty">>;
  anonymous: number;
}

/** Most players and places listed in a room's published view; counts say how many in all. */
export const VIEW_CAP = 200;

/** A new room; the default room starts open so the first buzz wins, as in the original. */
export function newRoom(code: string, secret: string, phase: Round["phase"] = "locked"): Room {
  return {
    code,
    secret,
    round: newRound(1, phase),
    players: new Map(),
    tokens: new Map(),
    index: new Map(),
    records: [],
    claims: new Map(),
    anonymous: 0,
  };
}

/** A fresh player record. */
export function newPlayer(id: string, name: string, token: string, plain: boolean, now: number): Player {
  return {
    id,
    name,
    token,
    connected: true,
    plain,
    clock: emptyClock(),
    est: null,
    probes: 0,
    nextProbeAt: now,
  };
}

/** Adds a clock-probe sample to a player and refreshes its estimate. */
export function observe(player: Player, sample: Sample): void {
  // Plain-text clients keep a shorter window: only their round trip is used, and there may be many.
  player.clock = addSample(player.clock, sample, player.plain ? 8 : undefined);
  player.est = estimate(player.clock);
}

/** What the server has measured of a player's link, or null before the first sample. */
export function linkOf(player: Player): Link | null {
  const est = player.est;
  return est ? { rtt: est.rtt, high: est.rttHigh, jitter: est.jitter } : null;
}

/** Rebuilds a room's index of who is in the round from the round itself (after a replay). */
export function indexRound(room: Room): void {
  room.index.clear();
  for (const p of room.round.placed) room.index.set(p.player, p);
  for (const p of room.round.pending) room.index.set(p.player, "pending");
  for (const id of room.round.lockedOut) room.index.set(id, "locked");
}

/** Removes a player who can never come back (a plain-text client that left). */
export function forget(room: Room, player: Player): void {
  room.players.delete(player.id);
  room.tokens.delete(player.token);
}

/** A name not yet used in the room: `Alice`, then `Alice (2)`… */
export function uniqueName(room: Room, name: string): string {
  const taken = new Set([...room.players.values()].map((p) => p.name));
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) if (!taken.has(`${name} (${n})`)) return `${name} (${n})`;
}

/** The room as everyone in it sees it. */
export function roomView(room: Room, now: number): RoomView {
  const { round } = room;
  const players: PlayerView[] = [];
  for (const p of room.players.values()) {
    if (players.length >= VIEW_CAP) break;
    const link = linkOf(p);
    players.push({
      id: p.id,
      name: p.name,
      connected: p.connected,
      lockedOut: room.index.get(p.id) === "locked",
      ...(link ? { rtt: round2(link.rtt), jitter: round2(link.jitter) } : {}),
    });
  }
  const order: PlaceView[] = round.placed.slice(0, VIEW_CAP).map((p) => ({
    id: p.player,
    name: room.players.get(p.player)?.name ?? "(left)",
    place: p.place,
    gap: p.gap / 1000,
    photo: p.photo,
  }));
  return {
    room: room.code,
    round: round.number,
    phase: round.phase,
    ...(round.phase === "armed" && round.releaseAt !== null
      ? { countdown: Math.max(0, Math.round(round.releaseAt - now)) }
      : {}),
    players,
    playerCount: room.players.size,
    order,
  };
}

function round2(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** Column order of the fairness log's CSV form. */
const CSV_COLUMNS: (keyof FairnessRecord)[] = [
  "room",
  "round",
  "player",
  "name",
  "arrival",
  "claimed",
  "mapped",
  "press",
  "offset",
  "rtt",
  "jitter",
  "uncertainty",
  "bound",
  "allowance",
  "place",
  "gap",
  "photo",
];

/** Formats fairness records as JSON lines or CSV. */
export function formatRecords(records: FairnessRecord[], format: "jsonl" | "csv"): string {
  if (format === "jsonl") return records.map((r) => `${JSON.stringify(r)}\n`).join("");
  const cell = (v: unknown) => {
    const s = v === null ? "" : String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [CSV_COLUMNS.join(","), ...records.map((r) => CSV_COLUMNS.map((c) => cell(r[c])).join(","))]
    .map((line) => `${line}\n`)
    .join("");
}
