/** The buzzer scenarios: bursts of first buzzes in new rounds, and paced repeats of a verdict. */
import { Burst, PacedBuzzers } from "../buzzing.ts";
import { sleep, until } from "../harness.ts";
import type { BurstRound } from "../load_result.ts";
import { threadsBetween } from "../procfs.ts";
import type { WireConn } from "../wire.ts";
import { type Control, openControl } from "./control.ts";
import type { Session } from "./session.ts";

/** Starts a new round, pauses, then bursts: every connection buzzes in one synchronous loop. */
async function burstRound(session: Session, conns: WireConn[], control: Control) {
  const { result, fail, settings } = session;
  await control.next();
  await sleep(settings.pauseMs);
  const burst = new Burst(conns, fail);
  const a = session.mark();
  const sentAt = burst.send();
  result.sent += conns.length;
  const complete = await burst.complete(settings.timeoutMs);
  const b = session.mark();
  result.received += burst.received;
  result.verified += burst.verified;
  if (!complete) {
    fail(
      `${conns.length - burst.answered} of ${conns.length} verdicts missing after ${settings.timeoutMs / 1000}s`,
    );
  }
  if (burst.firstPlaces === 0) fail("no first place!");
  const round: BurstRound = {
    timeMs: complete ? burst.lastAt - a.t : Number.NaN,
    sendMs: sentAt - a.t,
    verdicts: burst.answered,
    firstPlaces: burst.firstPlaces,
    serverCpuSec: b.server - a.server,
    serverThreads: threadsBetween(a, b),
    loadCpuSec: b.load - a.load,
    machineCpuSec: b.machine - a.machine,
  };
  return { round, verdicts: burst.verdicts };
}

/** Bursts: all clients buzz in the same tick, in --rounds new rounds on the same connections. */
export async function burst(session: Session): Promise<void> {
  const control = await openControl(session);
  const conns = await session.openMany(session.settings.conns);
  const rounds: BurstRound[] = [];
  session.result.rounds = rounds;
  for (let r = 0; r < session.settings.rounds; r++) {
    const { round } = await burstRound(session, conns, control);
    rounds.push(round);
    // Late verdicts of an unfinished burst would land in the next one: stop here.
    if (round.verdicts < conns.length) break;
  }
  await session.closeAll([...conns, control.conn]);
}

/**
 * Verdict round trips: each connection buzzes once (a burst, not measured), then keeps buzzing at
 * --rate and must get the same verdict; the window times the buzzes sent in it.
 */
export async function verdict(session: Session): Promise<void> {
  const { result, fail, settings } = session;
  const control = await openControl(session);
  const conns = await session.openMany(settings.conns);
  const first = await burstRound(session, conns, control);
  if (first.round.verdicts < conns.length) return;
  const paced = new PacedBuzzers(conns, first.verdicts, settings.rate, fail);
  await sleep(settings.warmup * 1000);
  const a = session.mark();
  await sleep(settings.seconds * 1000);
  const b = session.mark();
  paced.stop();
  if (!(await until(() => paced.outstanding() === 0, settings.timeoutMs))) {
    fail(`${paced.outstanding()} replies missing`);
  }
  result.sent += paced.sent;
  result.received += paced.received;
  result.verified += paced.verified;
  result.window = session.window(a, b, paced.latencies(a.t, b.t));
  await session.closeAll([...conns, control.conn]);
}
