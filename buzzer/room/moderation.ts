/**
 * The host's moderation: remove a player (and ban its name and token), give a player another name,
 * and remove every player who is not connected. Each is journaled, so it survives a restart.
 */
import { Close } from "../../lib/close.ts";
import { checkName } from "../names.ts";
import * as rules from "../round.ts";
import { addBan, isBanned } from "./bans.ts";
import type { HostMessage, RoomEffect } from "./commands.ts";
import { settle } from "./decide.ts";
import { forget, log, named, publishNow, refuse, type Settings } from "./effects.ts";
import { holderOf, lineHolds } from "./room_names.ts";
import { depart } from "./scores.ts";
import { type Room, renamePlayer } from "./state.ts";
import { resendPlace } from "./views.ts";

type Kick = Extract<HostMessage, { type: "kick" }>;
type Rename = Extract<HostMessage, { type: "rename" }>;

/** Removes a player (its connection closed with 4001); with `ban`, its name and token cannot join again. */
export function kick(
  room: Room,
  conn: string | null,
  action: Kick,
  now: number,
  s: Settings,
  out: RoomEffect[],
) {
  const player = named(room, conn, action.player, s, out);
  if (!player) return;
  // Removing the player takes it off its connection: the connection is closed after.
  const { name, token, conn: was } = player;
  if (action.ban) {
    addBan(room.bans, { name, token });
    out.push({ type: "persist", entries: [{ e: "ban", room: room.code, name, token }] });
  }
  // A place players were sent goes out again, as "(left)".
  resendPlace(room, player.id);
  forget(room, player, out);
  const reason = action.ban ? "removed and banned by the host" : "removed by the host";
  if (was) out.push({ type: "close", conn: was, code: Close.KICKED, reason });
  if (s.logging) out.push(log(room, `${name} was ${action.ban ? "kicked and banned" : "kicked"}`));
  // The removed player may have been the one the decision window was waiting for.
  settle(room, now, s, out);
  publishNow(room, now, out);
}

/**
 * Why a join is refused as banned, in words, or null when it is not: a resume token is checked
 * first (a player back keeps its place whatever name its page remembers), a new player's name after.
 */
export function banned(room: Room, who: { token?: string; name?: string }): string | null {
  return isBanned(room.bans, who) ? `you were removed from room ${room.code} by the host` : null;
}

/** Gives a player another name (checked as a join's is; another player's is NAME_TAKEN) and tells it with a new welcome. */
export function rename(
  room: Room,
  conn: string | null,
  action: Rename,
  now: number,
  s: Settings,
  out: RoomEffect[],
) {
  const player = named(room, conn, action.player, s, out);
  if (!player) return;
  const checked = checkName(action.name);
  if (!checked.ok) {
    if (conn) refuse(out, s, conn, checked.code, checked.message);
    return;
  }
  // A rename that quietly became "Dave (3)" is not what the host asked for: it is refused instead.
  const holder = holderOf(room, checked.msg);
  if ((holder !== undefined && holder !== player) || lineHolds(room, checked.msg)) {
    if (conn) refuse(out, s, conn, "NAME_TAKEN", `"${checked.msg}" is taken by another player`);
    return;
  }
  const before = player.name;
  const name = renamePlayer(room, player, checked.msg);
  out.push({ type: "persist", entries: [{ e: "rename", room: room.code, id: player.id, name }] });
  if (s.logging) out.push(log(room, `${before} is now ${name}`));
  // The same welcome a join gets, with the new name: every client already takes a second one (a resume).
  if (player.conn && !player.plain) {
    const welcome = { type: "welcome" as const, id: player.id, name, room: room.code, token: player.token };
    out.push({ type: "send", conn: player.conn, msg: { ...welcome, host: false } });
  }
  // Players' deltas only add places: the top ones go out again, under the new name (a place sent
  // twice replaces the first).
  if (rules.standing(room.round, player.id) !== undefined) room.told.places = 0;
  publishNow(room, now, out);
}

/**
 * Removes every player not connected now. One with a place, a press or a lockout in the current
 * round stays, as the resume grace's sweep keeps it, so the order holds: a prune after the round
 * removes it.
 */
export function prune(room: Room, now: number, s: Settings, out: RoomEffect[]) {
  let removed = 0;
  let kept = 0;
  for (const p of room.players.values()) {
    if (p.conn !== null) continue;
    if (rules.standing(room.round, p.id) !== undefined) kept++;
    else {
      // Gone from the room, not from the game: its points stay on the leaderboard.
      depart(room, p, out);
      removed++;
    }
  }
  if (s.logging) {
    const stays = kept
      ? `; ${kept} with a buzz this round ${kept === 1 ? "stays" : "stay"} (prune again after it)`
      : "";
    out.push(log(room, `Removed ${removed} offline player${removed === 1 ? "" : "s"}${stays}`));
  }
  publishNow(room, now, out);
}
