/**
 * What a room looks like to the clients in it: a snapshot for hosts and viewers (the lists that fit
 * on their screens), a small snapshot for a player, and the delta players get for each change. The
 * bytes a player receives depend on what changed, never on how many are in the room.
 */
import { gapSeconds } from "../format.ts";
import { type PlaceView, type PlayerView, type RoomDelta, type RoomView, VIEW } from "../protocol.ts";
import { standing } from "../round.ts";
import type { Room } from "./state.ts";

/** The room as hosts and viewers see it: the first players and places, with counts. */
export function staffView(room: Room, now: number): RoomView {
  const players: PlayerView[] = [];
  for (const p of room.players.values()) {
    if (players.length >= VIEW.players) break;
    players.push({
      id: p.id,
      name: p.name,
      connected: p.conn !== null,
      lockedOut: standing(room.round, p.id) === "locked",
      ...(p.link ? { rtt: hundredths(p.link.rtt), jitter: hundredths(p.link.jitter) } : {}),
    });
  }
  return { ...common(room, now), players, order: places(room, 0, VIEW.order) };
}

/** The room as one player sees it on joining: the top of the order, the count, its own lockout. */
export function playerView(room: Room, now: number, player: string): RoomView {
  const lockedOut = standing(room.round, player) === "locked";
  return { ...common(room, now), players: [], order: places(room, 0, VIEW.top), lockedOut };
}

/** What changed for players since they were last told, as the next version; null when nothing did. */
export function playerDelta(room: Room, now: number): RoomDelta | null {
  const { round, told } = room;
  const delta: RoomDelta = { room: room.code, version: room.version + 1 };
  if (round.number !== told.round) {
    delta.round = round.number;
    delta.phase = round.phase;
    told.places = 0;
  } else if (round.phase !== told.phase) {
    delta.phase = round.phase;
  }
  if (delta.phase === "armed" && round.releaseAt !== null) {
    delta.countdown = Math.max(0, Math.round(round.releaseAt - now));
  }
  if (room.players.size !== told.playerCount) delta.playerCount = room.players.size;
  const shown = Math.min(round.placed.length, VIEW.top);
  if (shown > told.places) delta.order = places(room, told.places, shown);
  if (Object.keys(delta).length === 2) return null;
  room.version = delta.version;
  room.told = { round: round.number, phase: round.phase, playerCount: room.players.size, places: shown };
  return delta;
}

function common(room: Room, now: number): Omit<RoomView, "players" | "order"> {
  const { round } = room;
  return {
    room: room.code,
    version: room.version,
    round: round.number,
    phase: round.phase,
    ...(round.phase === "armed" && round.releaseAt !== null
      ? { countdown: Math.max(0, Math.round(round.releaseAt - now)) }
      : {}),
    playerCount: room.players.size,
  };
}

function places(room: Room, from: number, to: number): PlaceView[] {
  return room.round.placed.slice(from, to).map((p) => ({
    id: p.player,
    name: room.players.get(p.player)?.name ?? "(left)",
    place: p.place,
    gap: gapSeconds(p.gap),
    photo: p.photo,
  }));
}

function hundredths(ms: number): number {
  return Math.round(ms * 100) / 100;
}
