/** Deciding buzzes: a batch is recorded, then every press no one can still precede is placed and told. */
import { type Link, MARGIN, uplinkAllowance, windowReach } from "../fair.ts";
import { falseStartText, gapSeconds, lockoutWords, verdictText } from "../format.ts";
import { roundEntry } from "../journal.ts";
import { pressTiming } from "../press_timing.ts";
import * as rules from "../round.ts";
import type { GatewayEffect, RoomCommand, RoomEffect } from "./commands.ts";
import { holdPublish, log, placeLog, publishSoon, refuse, type Settings } from "./effects.ts";
import { type FairnessRecord, keep, recordOf } from "./records.ts";
import { autoLock } from "./rules.ts";
import { addPoints } from "./scores.ts";
import { type Player, type Room, setConn } from "./state.ts";

/** A buzz command, as the owner hands a batch of them to the engine. */
export type Buzz = Extract<RoomCommand, { type: "buzz" }>;

/** Records a batch of buzzes that arrived together, answering final repeats and lockouts at once. */
export function buzzes(room: Room, list: readonly Buzz[], now: number, s: Settings, out: RoomEffect[]) {
  holdPublish(room, now);
  const batch: Buzz[] = [];
  const inputs: Omit<rules.Press, "asks">[] = [];
  // Where everyone stands, looked up once for the batch: the round does not change until buzzAll.
  const standings = rules.standings(room.round);
  for (const b of list) {
    const player = room.players.get(b.claim.player);
    // After a takeover a gateway's buzz may reach the new owner before its rebind (each gateway hears
    // of the takeover on its own): the connection a gateway bound to a player with none here is theirs.
    if (player?.conn === null) rejoin(room, player, b.conn, now);
    if (!player || player.conn !== b.conn) {
      refuse(out, s, b.conn, "NOT_PLAYER", "hosts and viewers do not buzz");
      continue;
    }
    // A repeat of a final place, or a locked-out player, is answered at once: nothing can change.
    const where = standings.get(player.id);
    if (where === "locked") refuse(out, s, b.conn, "LOCKED_OUT", "you are locked out of this round");
    else if (where === "answered") teamAnswered(room, [{ player: player.id, asks: 1 }], s, out);
    else if (typeof where === "object") tell(room, b.conn, where, 1, out);
    else {
      batch.push(b);
      // Most players are in no team: their claim goes in as it is, with nothing copied.
      const { claim } = b;
      const { team } = player;
      const { press, arrival, uncertainty } = claim;
      inputs.push(team === null ? claim : { player: player.id, press, arrival, uncertainty, team });
    }
  }
  if (batch.length === 0) return;
  const before = room.round;
  const { round, outcomes } = rules.buzzAll(before, inputs);
  room.round = round;
  if (round.lockedOut !== before.lockedOut) {
    // A press after the round was open and closed (time's up, auto-lock, the host) was not early; one
    // before its release was, whenever it is heard. Kept with the lockout, so a snapshot after a
    // reload says why too.
    for (let i = 0; i < outcomes.length; i++) {
      const outcome = outcomes[i] as rules.Outcome;
      if (outcome.ok || outcome.code !== "FALSE_START") continue;
      const { claim } = batch[i] as Buzz;
      const late = room.lockedBy !== null && pressTiming(round, claim.press, claim.uncertainty) === "late";
      if (late) room.late.add(claim.player);
      else room.late.delete(claim.player);
    }
    out.push({ type: "persist", entries: [roundEntry(room)] });
  }
  for (let i = 0; i < outcomes.length; i++) {
    const outcome = outcomes[i] as rules.Outcome;
    const { conn, claim } = batch[i] as Buzz;
    if (outcome.ok) {
      if (outcome.repeat === null) room.claims.set(claim.player, claim);
    } else if (outcome.code === "LOCKED_OUT") {
      refuse(out, s, conn, "LOCKED_OUT", "you are locked out of this round");
    } else if (outcome.code === "TEAM_ANSWERED") {
      teamAnswered(room, [{ player: claim.player, asks: 1 }], s, out);
    } else if (outcome.code === "ROUND_OVER") {
      const message =
        pressTiming(round, claim.press, claim.uncertainty) === "before"
          ? `that press was made in round ${round.number - 1}, which is over`
          : "the round was locked before that press reached the server: it takes no place";
      refuse(out, s, conn, "ROUND_OVER", message);
    } else {
      const player = room.players.get(claim.player);
      const late = room.late.has(claim.player);
      const when = late ? "late" : "early";
      if (s.logging)
        out.push(log(room, `${player?.name} ${lockoutWords(when)}: locked out of round ${round.number}`));
      refuse(out, s, conn, "FALSE_START", falseStartText(when), { falseStart: when });
      // A press after the round was open and closed was slow, not early: it costs no points.
      if (player && !late) addPoints(room, player, room.rules.falseStart, "false start", s, out);
      publishSoon(room, now);
    }
  }
  settle(room, now, s, out);
}

/**
 * A room scanned in full for every batch of buzzes up to this size; a bigger one at most every
 * REACH_FRESH ms, so that a burst arriving in many small batches does not cost a scan of the whole
 * room per batch (at 1,000 players that was about a tenth of the server's JavaScript per buzz).
 */
const FULL_SCAN = 100;
/** How long a big room's measured reach is used, in ms. */
const REACH_FRESH = 20;

/**
 * How far back a press may still come from a player who could buzz. A big room reuses its last
 * measure for a few milliseconds: players only leave the open set between measures (and a raised
 * link raises the bound at once, see `raiseReach`), so the bound can only be too long, never too
 * short — a verdict may wait a moment longer, but no earlier press is ever missed.
 */
function reachOf(room: Room, now: number, s: Settings): number {
  const { pending, placed, lockedOut } = room.round;
  // Once every player may be in the round, a fresh measure may find no one left to wait for: it is
  // taken at once, and once (a room whose reach stays above 0, as in a cluster, was measured again on
  // every settle). The count is only a hint: a kicked player's press stays in the round, so every
  // measure still looks at every player.
  const everyone = pending.length + placed.length + lockedOut.length >= room.players.size;
  const fresh = now - room.reach.at < REACH_FRESH && !(everyone && !room.reach.everyone);
  if (room.players.size > FULL_SCAN && fresh) return room.reach.ms;
  const measured = windowReach(openLinks(room), s.maxWait, MARGIN, s.maxCompensation);
  const unmeasured = [...room.prospects.values()].some((p) => p.unmeasured);
  // A buzz from another process's gateway is on the bus a moment before the owner sees it.
  const ms = (unmeasured ? Math.max(measured, unmeasuredWait(s)) : measured) + (s.busDelay ?? 0);
  room.reach = { ms: Math.min(ms, s.maxWait), at: now, everyone };
  return room.reach.ms;
}

/**
 * The measured links of everyone who could still buzz this round: connected players not in it yet,
 * and prospects (an unmeasured link adds nothing to the window, so it is left out). A list, not a
 * generator: a big room is scanned often, and a generator costs a resumption per player.
 */
function openLinks(room: Room): Link[] {
  const links: Link[] = [];
  const inRound = rules.standings(room.round);
  for (const p of room.players.values()) {
    if (p.link !== null && p.conn !== null && !inRound.has(p.id)) links.push(p.link);
  }
  for (const p of room.prospects.values()) if (p.link !== null) links.push(p.link);
  return links;
}

/**
 * How long the window waits while a connection that may buzz could not be measured (a client that
 * does not read while it waits for a key). Its buzz is held until a ping sent on its arrival comes
 * back (gateway.ts): up to half a round trip after the press, then a whole one, for links within the
 * compensation cap. Never longer than max-wait.
 */
export function unmeasuredWait(s: Settings): number {
  return Math.min(s.maxWait, 1.5 * s.maxCompensation + MARGIN);
}

/**
 * Raises a room's reach bound for a link that may be longer than any measured (a join, a new
 * measure), or for a connection that cannot be measured (`unmeasured`), as a measure would: with
 * the time a buzz may spend on the bus.
 */
export function raiseReach(room: Room, link: Link | null, s: Settings, unmeasured = false): void {
  const allowance = uplinkAllowance(link, MARGIN, s.maxCompensation);
  const ms = Math.min(
    (unmeasured ? Math.max(allowance, unmeasuredWait(s)) : allowance) + (s.busDelay ?? 0),
    s.maxWait,
  );
  if (ms > room.reach.ms) room.reach = { ...room.reach, ms };
}

/** Places every press that can no longer be preceded, and notes when to look again. */
export function settle(room: Room, now: number, s: Settings, out: RoomEffect[]) {
  room.settleAt = null;
  if (room.round.pending.length === 0) return;
  const reach = reachOf(room, now, s);
  const { round, placed, answered } = rules.settle(
    room.round,
    now,
    now - reach,
    s.maxWait,
    room.rules.teamFirst,
  );
  room.round = round;
  announce(room, placed, now, s, out);
  teamAnswered(room, answered, s, out);
  autoLock(room, now, s, out);
  room.settleAt = rules.nextSettle(round, reach, s.maxWait);
}

/** Tells players whose teammate's press took the team's place that theirs takes none (once per buzz). */
export function teamAnswered(
  room: Room,
  presses: readonly Pick<rules.Press, "player" | "asks">[],
  s: Settings,
  out: RoomEffect[],
) {
  for (const { player: id, asks } of presses) {
    const player = room.players.get(id);
    if (!player?.conn) continue;
    const first = room.round.placed.find((p) => p.team !== undefined && p.team === player.team);
    const who = (first && room.players.get(first.player)?.name) ?? "a teammate";
    const message = `${who} buzzed first for team ${player.team}`;
    for (let i = 0; i < asks; i++) refuse(out, s, player.conn, "TEAM_ANSWERED", message);
  }
}

/** Journals newly placed presses, then tells their players, records and logs them. */
export function announce(room: Room, placed: rules.Placed[], now: number, s: Settings, out: RoomEffect[]) {
  if (placed.length === 0) return;
  // Written before any verdict goes out: a verdict a player has seen survives a restart.
  out.push({
    type: "persist",
    entries: [{ e: "placed", room: room.code, round: room.round.number, presses: placed }],
  });
  const records: FairnessRecord[] = [];
  for (const p of placed) {
    const player = room.players.get(p.player);
    if (player?.conn) tell(room, player.conn, p, p.asks, out);
    const name = player?.name ?? p.player;
    const line = s.logging ? placeLog(p.place, name, gapSeconds(p.gap), p.photo, room.players.size) : null;
    if (line !== null) out.push(log(room, line));
    // Not deleted: each is read once, and a new round clears them all (host.ts), which costs less
    // than a delete per press from a map that shrinks and then grows again in the next burst.
    const claim = room.claims.get(p.player);
    if (!claim) continue;
    const record = recordOf(claim, room.code, room.round.number, name, p);
    keep(room.records, record);
    records.push(record);
  }
  if (records.length) out.push({ type: "records", records });
  publishSoon(room, now);
}

/** Sends a player on `conn` its verdict, once per buzz it is the answer to (the original expects a reply per buzz). */
export function tell(room: Room, conn: string, p: rules.Placed, times: number, out: RoomEffect[]) {
  const gap = gapSeconds(p.gap);
  const text = verdictText(p.place, gap);
  const msg = {
    type: "verdict" as const,
    round: room.round.number,
    place: p.place,
    gap,
    photo: p.photo,
    text,
  };
  const effect: GatewayEffect = { type: "send", conn, msg };
  for (let i = 0; i < times; i++) out.push(effect);
}

/** A player back on a connection that stayed open through a takeover (see engine.ts rebind). */
export function rejoin(room: Room, player: Player, conn: string, now: number): void {
  setConn(room, player, conn);
  player.leftAt = null;
  publishSoon(room, now);
}
