/**
 * Who comes into a room and as what: a new player, a player back with its resume token, a host
 * (with the secret) or a viewer; each is welcomed and sent a snapshot.
 */
import { Close } from "../../lib/close.ts";
import { sameSecret } from "../../lib/secret.ts";
import type { Link } from "../fair.ts";
import { type Entry, playerEntry, scoreEntry } from "../journal.ts";
import {
  addOne,
  JOINS_PER_ADDRESS,
  RESUMES_PER_PLAYER,
  secondsToToken,
  secretsRefusal,
  secretWait,
  take,
  wrongSecret,
} from "../limit.ts";
import { checkName } from "../names.ts";
import type { ErrorCode, ErrorDetail } from "../protocol.ts";
import * as rules from "../round.ts";
import type { RoomCommand, RoomEffect } from "./commands.ts";
import { raiseReach, tell } from "./decide.ts";
import { crowdLog, log, publishSoon, refuse, type Settings, snapshot } from "./effects.ts";
import { guardOf } from "./guards.ts";
import { banned } from "./moderation.ts";
import { lineByToken, returning, takeLine } from "./returning.ts";
import { heldAs } from "./room_names.ts";
import { teamFor } from "./scores.ts";
import { ADDRESS_KEPT, addPlayer, freshId, type Player, type Room, setConn } from "./state.ts";

/** A resume token is 32 hex digits (an unknown well-formed one is adopted, e.g. after a restart). */
const TOKEN = /^[0-9a-f]{32}$/;

/** Lets a connection into a room as a player, host or viewer, or refuses it with a coded error. */
export function join(
  room: Room,
  cmd: Extract<RoomCommand, { type: "join" }>,
  now: number,
  s: Settings,
  out: RoomEffect[],
) {
  const address = cmd.address.slice(0, ADDRESS_KEPT);
  const no = (code: ErrorCode, message: string, detail?: ErrorDetail) =>
    refuse(out, s, cmd.conn, code, message, detail);
  const rate = s.joinRate ?? JOINS_PER_ADDRESS;
  const guard = guardOf(room, cmd.address, now, rate);
  if (cmd.secret !== undefined) {
    const wait = secretWait(guard, now);
    if (wait > 0) return no("RATE_LIMITED", secretsRefusal(wait), { retryIn: wait });
    if (!sameSecret(cmd.secret, room.secret) && !sameSecret(cmd.secret, s.mainSecret)) {
      wrongSecret(guard, now);
      return no("BAD_SECRET", `wrong host secret for room ${room.code}`);
    }
    return enter(room, cmd.conn, { player: null, host: true }, now, out);
  }
  if (cmd.watch) return enter(room, cmd.conn, { player: null, host: false }, now, out);
  const name = cmd.name !== undefined ? checkName(cmd.name) : null;
  if (name && !name.ok) return no(name.code, name.message);
  const bannedToken = banned(room, { token: cmd.token });
  if (bannedToken) return no("BANNED", bannedToken);
  const known = cmd.token ? room.players.get(room.tokens.get(cmd.token) ?? "") : undefined;
  if (known) {
    const wait = comeBack(known, now);
    if (wait > 0) return no("RATE_LIMITED", comebackRefusal(wait), { retryIn: wait });
    // A player back may be a slow one the window's bound has not counted since it left.
    raiseReach(room, cmd.link ?? known.link, s);
    const wasAway = known.conn === null;
    enter(room, cmd.conn, { player: known, host: false, link: cmd.link, address }, now, out);
    // Said as its leaving was (a crowd is counted instead): the host's terminal does not think it gone.
    const said =
      wasAway && s.logging ? crowdLog(`${known.name} is back`, room.players.size, room.online, false) : null;
    if (said !== null) out.push(log(room, said));
    return;
  }
  if (cmd.token !== undefined && !TOKEN.test(cmd.token)) {
    return no("BAD_TOKEN", "resume token must be 32 hex digits");
  }
  const bannedName = banned(room, { name: name?.msg });
  if (bannedName) return no("BANNED", bannedName);
  const plain = cmd.plain === true;
  // A departed player's token brings its line back from anywhere, as a player's own token resumes it;
  // with no token, its name from the address it left from may (returning.ts).
  const found =
    cmd.token !== undefined
      ? lineByToken(room, cmd.token)
      : name
        ? returning(room, name.msg, address, plain)
        : null;
  // On a shared address the name proves no one: the join is someone new, told whom it did not become.
  const away = found && "away" in found ? found.away : undefined;
  const back = found && !("away" in found) ? found : null;
  if (back && "player" in back) {
    const wait = comeBack(back.player, now);
    if (wait > 0) return no("RATE_LIMITED", comebackRefusal(wait), { retryIn: wait });
    if (s.logging) out.push(log(room, `${back.player.name} is back under the same name`));
    raiseReach(room, cmd.link ?? back.player.link, s);
    return enter(room, cmd.conn, { player: back.player, host: false, link: cmd.link, address }, now, out);
  }
  // A departed line comes back with its team; a join's own team counts only for a line in none.
  const wanted = back?.line.team ?? cmd.team;
  const team = wanted === undefined || wanted === null ? null : teamFor(room, wanted);
  if (team && !team.ok) return no(team.code, team.message);
  if (!cmd.mayAdd || !addOne(guard, now, rate)) {
    return no("RATE_LIMITED", "too many players joined from your address: try again shortly");
  }
  // The name as the player who has it spells it: `ANN` is told that Ann, the one it sees, has it.
  const holder = name ? heldAs(room, name.msg) : undefined;
  // A line coming back gives up its name and token first, for its player to take them again.
  const dropped = back ? takeLine(room, back.id) : [];
  const player = addPlayer(room, {
    id: freshId(room, s.newId),
    name: back?.line.name ?? name?.msg ?? `Player ${++room.anonymous}`,
    // The original protocol has no way to present a token, so plain players get none.
    token: plain ? "" : (cmd.token ?? s.newId()),
    plain,
    conn: null,
    link: cmd.link,
    leftAt: null,
    team: team?.msg ?? null,
    address,
  });
  raiseReach(room, cmd.link, s);
  if (back) player.points = back.line.points;
  // The line's end first: on replay its name is free before the player's entry takes it.
  const entries: Entry[] = [...dropped, playerEntry(room, player)];
  out.push({ type: "persist", entries: team || back ? [...entries, scoreEntry(room, player)] : entries });
  if (s.logging) {
    const how = `${plain ? " (plain text)" : ""}${team ? ` team ${team.msg}` : ""}`;
    const why = away !== undefined ? `, not ${away}: the address is shared` : "";
    const line = `${player.name} joined${how}${back ? `, back with ${player.points} points` : why}`;
    const said = crowdLog(line, room.players.size, room.online, true);
    if (said !== null) out.push(log(room, said));
  }
  // A name another player has is numbered: the welcome says why, this once (`away` says more).
  const taken =
    !back && name && player.name !== name.msg && away === undefined ? (holder ?? name.msg) : undefined;
  enter(room, cmd.conn, { player, host: false, added: true, taken, away }, now, out);
}

/** Spends one of a player's comebacks: 0 when it may come back now, else the whole seconds to wait. */
function comeBack(player: Player, now: number): number {
  const { bucket, allowed } = take(player.resumes, now, RESUMES_PER_PLAYER);
  player.resumes = bucket;
  return allowed ? 0 : secondsToToken(bucket, now, RESUMES_PER_PLAYER);
}

/** Why a comeback is refused, in words: the player came back too often. */
function comebackRefusal(seconds: number): string {
  return `coming back too often: wait ${seconds} ${seconds === 1 ? "second" : "seconds"}`;
}

/** Who a connection enters as: a player (new or resumed), or a host or viewer. */
interface Entrant {
  player: Player | null;
  host: boolean;
  /** A player new to the room (the gateway counts it against the address). */
  added?: boolean;
  /** The link measured on the new connection, for a resumed player. */
  link?: Link | null;
  /** The address a resumed player comes from now (a name coming back is matched against it). */
  address?: string;
  /** The name a new player asked for, when another player has it (see the welcome's `taken`). */
  taken?: string;
  /** The player away whose name a new player asked for, not given back on a shared address. */
  away?: string;
}

function enter(room: Room, conn: string, who: Entrant, now: number, out: RoomEffect[]) {
  const { player, host } = who;
  if (player) {
    if (player.conn !== null && player.conn !== conn) {
      out.push({
        type: "close",
        conn: player.conn,
        code: Close.REPLACED,
        reason: "resumed on another connection",
      });
    }
    setConn(room, player, conn);
    player.leftAt = null;
    if (who.link) player.link = who.link;
    if (who.address !== undefined && who.address !== player.address) {
      player.address = who.address;
      // The address a name comes back from must survive a restart too.
      out.push({ type: "persist", entries: [playerEntry(room, player)] });
    }
  } else {
    room.watchers.add(conn);
    if (host) room.hosts.add(conn);
  }
  out.push({
    type: "bind",
    conn,
    room: room.code,
    player: player?.id ?? null,
    host,
    added: who.added === true,
  });
  if (!player?.plain) {
    const role = host ? "host" : "viewer";
    const welcome = {
      type: "welcome" as const,
      id: player?.id ?? role,
      name: player?.name ?? role,
      room: room.code,
      token: player?.token ?? "",
      host,
      ...(who.taken !== undefined ? { taken: who.taken } : {}),
      ...(who.away !== undefined ? { away: who.away } : {}),
    };
    out.push({ type: "send", conn, msg: welcome });
    snapshot(room, now, conn, player?.id ?? null, out);
  }
  if (!player) {
    // Players are told whether a host runs the room.
    if (host) publishSoon(room, now);
    return;
  }
  const placed = rules.standing(room.round, player.id);
  if (typeof placed === "object") tell(room, conn, placed, 1, out);
  publishSoon(room, now);
}
