/**
 * Scores and teams: the host's award, team and forgive (its ✓/✗ marks are marks.ts's), the CSV
 * download, the points a false start costs, a new player's team, and a departure that keeps the
 * player's line on the board.
 */
import { signed } from "../format.ts";
import { roundEntry, scoreEntry } from "../journal.ts";
import { checkTeam, nameKey } from "../names.ts";
import type { Parsed } from "../parse.ts";
import { LIMITS } from "../protocol.ts";
import * as rules from "../round.ts";
import { rememberAward } from "./awards.ts";
import { boardOf, keepLine, scoresCsv } from "./board.ts";
import type { HostMessage, RoomEffect } from "./commands.ts";
import { raiseReach } from "./decide.ts";
import { log, named, publishNow, refuse, type Settings, snapshot } from "./effects.ts";
import { changed, member, type Player, type Room } from "./state.ts";

/** The host actions on scores and teams. */
export type ScoreAction = Extract<HostMessage, { type: "award" | "team" | "forgive" | "scores" }>;

/** Applies a host action on scores or teams; an unknown player is refused with NO_SUCH_PLAYER. */
export function scoreAction(
  room: Room,
  conn: string | null,
  action: ScoreAction,
  now: number,
  s: Settings,
  out: RoomEffect[],
): void {
  if (action.type === "scores") {
    if (conn)
      out.push({
        type: "send",
        conn,
        msg: { type: "scores", format: "csv", data: scoresCsv(boardOf(room)) },
      });
    return;
  }
  const player = named(room, conn, action.player, s, out);
  if (!player) return;
  switch (action.type) {
    case "award":
      // A copy of an award already given (sent again after an owner died) changes nothing.
      if (action.id !== undefined && !rememberAward(room.awards, action.id)) return;
      addPoints(room, player, action.points, "from the host", s, out, action.id);
      break;
    case "team": {
      const team = action.team === null ? null : teamFor(room, action.team, player.team);
      if (team !== null && !team.ok) {
        if (conn) refuse(out, s, conn, team.code, team.message);
        return;
      }
      setTeam(room, player, team?.msg ?? null);
      out.push({ type: "persist", entries: [scoreEntry(room, player)] });
      if (s.logging)
        out.push(log(room, `${player.name} ${team ? `is in team ${team.msg}` : "is in no team"}`));
      break;
    }
    case "forgive":
      if (!forgive(room, player, s, out)) return;
      publishNow(room, now, out);
      // Deltas carry nothing of one player's own: its snapshot tells it that it may buzz again.
      if (player.conn && !player.plain) snapshot(room, now, player.conn, player.id, out);
      return;
  }
  publishNow(room, now, out);
}

/**
 * Gives a player points (negative takes them away), journals its line (with the id of the award
 * that gave them, if any, so a new owner knows it was given) and logs why.
 */
export function addPoints(
  room: Room,
  player: Player,
  points: number,
  why: string,
  s: Settings,
  out: RoomEffect[],
  award?: string,
) {
  if (points === 0) return;
  player.points += points;
  changed(room);
  out.push({ type: "persist", entries: [scoreEntry(room, player, award)] });
  if (s.logging) {
    out.push(log(room, `${player.name}: ${signed(points)} (${why}), ${player.points} in all`));
  }
}

/**
 * The team a name joins: an existing one matched as names are (keeping its spelling), or a new one
 * while the room has fewer than LIMITS.teams (`current`, the player's own team, is not counted if
 * the player is its last member: moving it frees the place).
 */
export function teamFor(room: Room, raw: string, current: string | null = null): Parsed<string> {
  const checked = checkTeam(raw);
  if (!checked.ok) return checked;
  const existing = room.teams.get(nameKey(checked.msg));
  if (existing) return { ok: true, msg: existing.name };
  const freed = current !== null && room.teams.get(nameKey(current))?.members === 1 ? 1 : 0;
  if (room.teams.size - freed >= LIMITS.teams) {
    const message = `room ${room.code} has ${LIMITS.teams} teams already: join one of them`;
    return { ok: false, code: "TOO_MANY_TEAMS", message };
  }
  return checked;
}

/** Moves a player into a team (null: into none). */
function setTeam(room: Room, player: Player, team: string | null): void {
  if (team === player.team) return;
  if (player.team !== null) member(room, player.team, -1);
  if (team !== null) member(room, team, 1);
  player.team = team;
  changed(room);
}

/** Lets a locked-out player buzz again this round and gives back what the false start cost; false if it was not locked out. */
function forgive(room: Room, player: Player, s: Settings, out: RoomEffect[]): boolean {
  const round = rules.forgive(room.round, player.id);
  if (round === room.round) return false;
  room.round = round;
  out.push({ type: "persist", entries: [roundEntry(room)] });
  if (s.logging) out.push(log(room, `${player.name} forgiven: may buzz again in round ${round.number}`));
  // The window waits for one more player who could buzz.
  raiseReach(room, player.link, s);
  // A press too late cost nothing (decide.ts): nothing to give back.
  if (!room.late.has(player.id))
    addPoints(room, player, -room.rules.falseStart, "false start forgiven", s, out);
  return true;
}

/** Forgets a departed player, keeping its line on the leaderboard if it scored (see board.ts keepLine). */
export function depart(room: Room, player: Player, out: RoomEffect[]): void {
  keepLine(room, player);
  out.push({ type: "persist", entries: [{ e: "left", room: room.code, id: player.id }] });
}
