/**
 * The game journal: what must survive a restart (rooms, players and their resume tokens, each
 * round's phase, lockouts, timer deadline, placed presses and the host's marks, scores and the ids
 * of the awards that gave them, teams and rules) as JSON-lines entries. The room owner writes
 * entries before it acknowledges, so a verdict a player has seen is never lost. Pure: no file access
 * here; rebuilding rooms from entries is journal_replay.ts's, reading journal text, line by line and
 * checked, journal_check.ts's.
 */
import { DEFAULT_RULES, type Rules } from "./protocol.ts";
import type { Mark, Player, Room } from "./room/state.ts";
import type { Placed, Round, Spell } from "./round.ts";

/** One journal line. */
export type Entry =
  /** Wall-clock time (ms since 1970) at which the writing process's monotonic clock read 0. */
  | { e: "clock"; epoch: number }
  | { e: "room"; room: string; secret: string }
  /** The room was closed (idle): it and its players are gone. */
  | { e: "close"; room: string }
  /**
   * A player joined (or, for a known id, resumed from another address); `address` (absent in older
   * journals) lets it come back by name (see room/returning.ts).
   */
  | { e: "player"; room: string; id: string; name: string; token: string; plain: boolean; address?: string }
  | { e: "kick"; room: string; id: string }
  /** The host banned a name and a resume token from the room (the player's own `kick` follows). */
  | { e: "ban"; room: string; name: string; token: string }
  /** The host gave a player another name (already made unique in the room). */
  | { e: "rename"; room: string; id: string; name: string }
  | {
      e: "round";
      room: string;
      number: number;
      phase: Round["phase"];
      releaseAt: number | null;
      lockedOut: string[];
      /** Those of `lockedOut` whose false start came after the round closed (absent when none, and in older journals). */
      late?: string[];
      /** When the open round's timer locks it (on the writer's clock); absent when no timer runs. */
      closesAt?: number;
      /** What locked the round once it was open (absent in a round never opened, and in older journals). */
      lockedBy?: Exclude<Room["lockedBy"], null>;
      /** When the round began and when it was locked (on the writer's clock; absent when not known). */
      startedAt?: number;
      lockedAt?: number;
      /** The open spell a lock ended before the round was opened again (absent when none). */
      earlier?: Spell;
    }
  | { e: "placed"; room: string; round: number; presses: Placed[] }
  /**
   * The host marked a player's answer in a round: a mark stands once, so points are not given twice;
   * `points`, what it gave (absent in older journals: the rules as replayed to that line say).
   */
  | { e: "judged"; room: string; round: number; id: string; verdict: "right" | "wrong"; points?: number }
  /** The host took a mark back in a round (its points are the player's `score` entry after it). */
  | { e: "unjudged"; room: string; round: number; id: string }
  /**
   * A player's line on the leaderboard as it is now (the name is kept for a player who departs); a
   * departed line's carries the address its player last joined from, if known, and its resume token
   * if it had one; one an award with an id gave carries that id (`award`), so a copy of the award
   * gives nothing (room/awards.ts).
   */
  | {
      e: "score";
      room: string;
      id: string;
      name: string;
      team: string | null;
      points: number;
      address?: string;
      token?: string;
      award?: string;
    }
  /** The ids of the room's latest awards, oldest first: a compacted journal's `award` fields. */
  | { e: "awards"; room: string; ids: string[] }
  /** A player forgotten after the resume grace: gone, but its line stays on the leaderboard. */
  | { e: "left"; room: string; id: string }
  | { e: "rules"; room: string; rules: Rules };

/**
 * The journal entry for a round's phase, lockouts, timer deadline and what locked it, so a
 * projector after a restart still says "Time's up" (its placed presses and marks are entries of
 * their own).
 */
export function roundEntry(room: Room): Entry {
  const { number, phase, releaseAt, startedAt, lockedAt, earlier, lockedOut } = room.round;
  const late = lockedOut.filter((id) => room.late.has(id));
  const entry: Entry = {
    e: "round",
    room: room.code,
    number,
    phase,
    releaseAt,
    lockedOut: [...lockedOut],
    ...(late.length ? { late } : {}),
    // Kept so that late buzzes sent again to the room's next owner are judged as this one would.
    ...(startedAt !== null ? { startedAt } : {}),
    ...(lockedAt !== null ? { lockedAt } : {}),
    ...(earlier !== null ? { earlier } : {}),
  };
  if (phase === "open" && room.closesAt !== null) return { ...entry, closesAt: room.closesAt };
  return phase === "locked" && room.lockedBy !== null ? { ...entry, lockedBy: room.lockedBy } : entry;
}

/** The journal entry for a player who joined: who it is, its resume token and, if known, its address. */
export function playerEntry(room: Room, player: Player): Entry {
  const { id, name, token, plain, address } = player;
  const entry: Entry = { e: "player", room: room.code, id, name, token, plain };
  return address ? { ...entry, address } : entry;
}

/** The journal entry for the host's mark of a player's answer in the current round, and the points it gave. */
export function judgedEntry(room: Room, id: string, { verdict, points }: Mark): Entry {
  return { e: "judged", room: room.code, round: room.round.number, id, verdict, points };
}

/** The journal entry for the host taking back its mark of a player's answer in the current round. */
export function unjudgedEntry(room: Room, id: string): Entry {
  return { e: "unjudged", room: room.code, round: room.round.number, id };
}

/** The journal entry for a player's line on the leaderboard (its points and team), and the award that set it. */
export function scoreEntry(room: Room, player: Player, award?: string): Entry {
  const { id, name, team, points } = player;
  return { e: "score", room: room.code, id, name, team, points, ...(award === undefined ? {} : { award }) };
}

/** The entries that recreate the rooms as they are: a compacted journal. */
export function snapshot(rooms: Iterable<Room>, epoch: number): Entry[] {
  const entries: Entry[] = [{ e: "clock", epoch }];
  for (const room of rooms) {
    entries.push({ e: "room", room: room.code, secret: room.secret });
    if (JSON.stringify(room.rules) !== JSON.stringify(DEFAULT_RULES))
      entries.push({ e: "rules", room: room.code, rules: { ...room.rules } });
    for (const { name, token } of room.bans.list) entries.push({ e: "ban", room: room.code, name, token });
    for (const p of room.players.values()) {
      entries.push(playerEntry(room, p));
      if (p.points !== 0 || p.team !== null) entries.push(scoreEntry(room, p));
    }
    for (const [id, l] of room.departed) entries.push({ e: "score", room: room.code, id, ...l });
    entries.push(roundEntry(room));
    if (room.round.placed.length) {
      entries.push({
        e: "placed",
        room: room.code,
        round: room.round.number,
        presses: [...room.round.placed],
      });
    }
    for (const [id, mark] of room.judged) entries.push(judgedEntry(room, id, mark));
    if (room.awards.size) entries.push({ e: "awards", room: room.code, ids: [...room.awards] });
  }
  return entries;
}
