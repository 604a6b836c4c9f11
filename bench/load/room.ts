/**
 * The big-room scenario (ours and bench/reference/bare_room.ts; the other references have no
 * rooms): N JSON players join one room as their connections open, then --rounds rounds in which
 * every player buzzes in the same tick. It
 * measures the join time, the bytes each player receives while joining and per round, the time to
 * the last verdict and the server's CPU; every welcome, snapshot, delta and verdict is checked.
 */
import type { RoomView } from "../../buzzer/protocol.ts";
import { now, openPooled, sleep, until } from "../harness.ts";
import type { RoomRound } from "../load_result.ts";
import { threadsBetween } from "../procfs.ts";
import { connect } from "../wire.ts";
import { type Control, openControl } from "./control.ts";
import { bytesBetween, Phones } from "./phones.ts";
import type { Session } from "./session.ts";

/** The room the players join (a new one, opened by the host: MAIN has plain-text players of its own). */
export const BIG_ROOM = "BIG";
/** How often waits look at every player's view, ms: a look costs a pass over 20,000 of them. */
const LOOK_EVERY = 10;

/** Opens --conns connections (spread over loopback addresses); each joins the room once open. */
async function joinAll(session: Session, phones: Phones) {
  const { settings, fail, result } = session;
  let firstOpen = Number.POSITIVE_INFINITY;
  let lastOpen = 0;
  const a = session.mark();
  const conns = await openPooled(
    settings.conns,
    settings.concurrency,
    async () => {
      const c = session.watch(await connect(session.nextHost(), settings.port, fail));
      const t = now();
      firstOpen = Math.min(firstOpen, t);
      lastOpen = Math.max(lastOpen, t);
      phones.join(c);
      return c;
    },
    fail,
  );
  result.openSec += (lastOpen - a.t) / 1000;
  result.sent += settings.conns;
  const all = await until(() => phones.joined === conns.length, settings.timeoutMs);
  const b = session.mark();
  if (!all || conns.length < settings.conns) {
    fail(`${settings.conns - phones.joined} of ${settings.conns} players not joined`);
  }
  const lastWelcome = phones.welcomedAt.reduce((x, y) => Math.max(x, y), 0);
  return {
    conns,
    join: {
      joinMs: all ? lastWelcome - firstOpen : Number.NaN,
      tailMs: all ? lastWelcome - lastOpen : Number.NaN,
      openMs: lastOpen - firstOpen,
      bytes: bytesBetween(Float64Array.from(phones.atJoin), phones.bytes()),
      serverCpuSec: b.server - a.server,
      loadCpuSec: b.load - a.load,
      machineCpuSec: b.machine - a.machine,
    },
  };
}

/** One round: reset and arm, every phone sees it open, a pause, then every player buzzes at once. */
async function playRound(session: Session, phones: Phones, control: Control, start: Float64Array) {
  const { settings, fail, result } = session;
  const n = phones.conns.length;
  await control.next();
  const round = control.host?.round ?? 0;
  phones.expect(round);
  const unseen = await lagging(phones, (v) => v.round === round && v.phase === "open", settings.timeoutMs);
  if (unseen > 0) fail(`${unseen} players never saw round ${round} open`);
  await sleep(settings.pauseMs);
  const a = session.mark();
  const sentAt = phones.buzzAll();
  result.sent += n;
  const complete = await until(() => phones.answered === n, settings.timeoutMs);
  const b = session.mark();
  if (!complete) fail(`${n - phones.answered} of ${n} verdicts missing after ${settings.timeoutMs / 1000}s`);
  if (phones.firstPlaces === 0) fail("no first place!");
  phones.checkPlaces();
  // The round ends for a phone once its view shows the top places (the delta after the verdicts).
  const stale = await lagging(phones, phones.topShown, settings.timeoutMs);
  if (stale > 0) fail(`${stale} players' views lack round ${round}'s top places`);
  const end = phones.bytes();
  const r: RoomRound = {
    timeMs: complete ? phones.lastVerdictAt - a.t : Number.NaN,
    sendMs: sentAt - a.t,
    verdicts: phones.answered,
    firstPlaces: phones.firstPlaces,
    bytes: bytesBetween(start, end),
    deltas: phones.deltas / n,
    pings: phones.pings / n,
    serverCpuSec: b.server - a.server,
    serverThreads: threadsBetween(a, b),
    loadCpuSec: b.load - a.load,
    machineCpuSec: b.machine - a.machine,
  };
  return { round: r, end };
}

/** Waits until every player's view satisfies `ok`, up to `ms`; returns how many still do not. */
async function lagging(phones: Phones, ok: (v: RoomView) => boolean, ms: number): Promise<number> {
  await until(() => phones.missing(ok) === 0, ms, LOOK_EVERY);
  return phones.missing(ok);
}

/** Big room: N JSON players join, then --rounds bursts; needs --control host:SECRET (ours, or the bare room). */
export async function room(session: Session): Promise<void> {
  const { settings, fail, result } = session;
  const control = await openControl(session, BIG_ROOM);
  const host = control.host;
  if (!host) throw new Error("room needs --control host:SECRET: only ours and the bare room have rooms");
  const phones = new Phones(BIG_ROOM, fail);
  const { conns, join } = await joinAll(session, phones);
  const rounds: RoomRound[] = [];
  result.room = { join, rounds };
  const n = conns.length;
  if (phones.joined === n) {
    // The count's last delta comes a moment after the last join: it belongs to the joins, not round 1.
    const behind = await lagging(phones, (v) => v.playerCount === n, settings.timeoutMs);
    if (behind > 0) fail(`${behind} players' views never showed all ${n} players`);
    if (host.playerCount !== n) fail(`the host sees ${host.playerCount} players, not ${n}`);
    // Rounds follow on each other: a round's bytes are everything since the previous one ended.
    let start = phones.bytes();
    for (let r = 0; r < settings.rounds; r++) {
      const played = await playRound(session, phones, control, start);
      rounds.push(played.round);
      start = played.end;
      // Late verdicts of an unfinished round would land in the next one: stop here.
      if (played.round.verdicts < n) break;
    }
  }
  result.received += phones.received;
  result.verified += phones.verified;
  await session.closeAll([...conns, control.conn]);
}
