/**
 * JSON players as phones run them, for the big-room scenario: each joins a room, keeps its view from
 * the snapshot and the deltas (buzzer/view.ts, the client's own rule), answers clock pings and buzzes
 * with its press time. Every message is checked; state is kept in arrays, as there are up to 20,000.
 */

import { parseServer } from "../../buzzer/parse.ts";
import { type RoomView, type ServerMessage, VIEW } from "../../buzzer/protocol.ts";
import { applyDelta } from "../../buzzer/view.ts";
import { now } from "../harness.ts";
import type { PlayerBytes } from "../load_result.ts";
import { quantile } from "../stats.ts";
import { FIRST, SLOWER } from "../verdicts.ts";
import { textFrame, type WireConn } from "../wire.ts";

type Verdict = Extract<ServerMessage, { type: "verdict" }>;
const TOKEN = /^[0-9a-f]{32}$/;

/** The players of one room, by index in the order they joined. */
export class Phones {
  readonly conns: WireConn[] = [];
  /** Each player's id, from its welcome ("" until then). */
  private readonly ids: string[] = [];
  private readonly views: (RoomView | null)[] = [];
  /** Each player's received bytes when it sent its join. */
  readonly atJoin: number[] = [];
  /** When each player's welcome came (0 until then). */
  readonly welcomedAt: number[] = [];
  /** Players with their welcome, and with their welcome and snapshot. */
  welcomed = 0;
  joined = 0;
  /** Welcomes and verdicts received, and those that checked out (the load generator's counts). */
  received = 0;
  verified = 0;
  /** The round whose verdicts are due (0: none), each player's place in it (0: none yet). */
  private round = 0;
  private places = new Int32Array(0);
  private gaps = new Float64Array(0);
  /** The ids of the round's top places, in place order (from the verdicts, once all are in). */
  private top: string[] = [];
  answered = 0;
  firstPlaces = 0;
  lastVerdictAt = 0;
  /** Deltas and JSON pings received since `count()` was last reset. */
  deltas = 0;
  pings = 0;

  constructor(
    private readonly room: string,
    private readonly fail: (message: string) => void,
  ) {}

  /** Takes an opened connection as the next player and sends its join at once, as a phone does. */
  join(c: WireConn): void {
    const i = this.conns.length;
    this.conns.push(c);
    this.ids.push("");
    this.views.push(null);
    this.welcomedAt.push(0);
    this.atJoin.push(c.bytesIn);
    c.onText = (text) => this.receive(i, text);
    c.sendText(JSON.stringify({ type: "join", room: this.room, name: `Phone ${i + 1}` }));
  }

  /** Each player's received bytes so far (frame headers and payloads). */
  bytes(): Float64Array {
    return Float64Array.from(this.conns, (c) => c.bytesIn);
  }

  /** Expects one verdict per player in `round` from now on; resets the message counts. */
  expect(round: number): void {
    this.round = round;
    this.places = new Int32Array(this.conns.length);
    this.gaps = new Float64Array(this.conns.length);
    this.top = [];
    this.answered = 0;
    this.firstPlaces = 0;
    this.deltas = 0;
    this.pings = 0;
  }

  /** Every player buzzes in one synchronous loop, each with its own press time; returns when it ended. */
  buzzAll(): number {
    for (const c of this.conns) c.send(textFrame(`{"type":"buzz","at":${now()}}`));
    return now();
  }

  /** How many players' views do not satisfy `ok` (no view counts as not). */
  missing(ok: (v: RoomView) => boolean): number {
    let n = 0;
    for (const v of this.views) if (!v || !ok(v)) n++;
    return n;
  }

  /** Whether a view shows the round's top places exactly as the verdicts placed them. */
  readonly topShown = (v: RoomView): boolean => {
    const want = Math.min(VIEW.top, this.conns.length);
    if (v.round !== this.round || v.order.length !== want || this.top.length !== want) return false;
    return v.order.every((p, k) => p.place === k + 1 && p.id === this.top[k]);
  };

  /** Checks the round's places once every verdict is in: 1 to N once each, gaps in place order. */
  checkPlaces(): void {
    const n = this.conns.length;
    const gapAt = new Float64Array(n + 1).fill(Number.NaN);
    for (let i = 0; i < n; i++) {
      const p = this.places[i] as number;
      if (p === 0) continue;
      if (!Number.isNaN(gapAt[p] as number))
        return this.fail(`place ${p} given twice in round ${this.round}`);
      gapAt[p] = this.gaps[i] as number;
      if (p <= VIEW.top) this.top[p - 1] = this.ids[i] as string;
    }
    for (let p = 2; p <= n; p++) {
      if ((gapAt[p] as number) < (gapAt[p - 1] as number))
        return this.fail(`round ${this.round}: place ${p}'s gap is below place ${p - 1}'s`);
    }
  }

  private receive(i: number, text: string): void {
    const m = parseServer(text);
    if (!m) return this.fail(`not a server message: ${text.slice(0, 80)}`);
    const c = this.conns[i] as WireConn;
    switch (m.type) {
      case "ping":
        // Answered at once, as buzzer/session.ts does: the server reads our clock from it.
        this.pings++;
        return c.sendText(`{"type":"pong","id":${m.id},"t":${now()}}`);
      case "alive":
        return;
      case "welcome":
        this.received++;
        if (this.ids[i]) return this.fail("a second welcome");
        if (m.room !== this.room || m.host || !m.id || !TOKEN.test(m.token) || m.name !== `Phone ${i + 1}`)
          return this.fail(`wrong welcome: ${text.slice(0, 120)}`);
        this.ids[i] = m.id;
        this.welcomedAt[i] = now();
        this.welcomed++;
        return;
      case "state":
        return this.snapshot(i, m, text);
      case "delta": {
        const view = this.views[i];
        if (!view) return this.fail("a delta before the snapshot");
        if ((m.order?.length ?? 0) > VIEW.top) return this.fail(`a delta with ${m.order?.length} places`);
        const next = applyDelta(view, m);
        // A real phone would ask for a sync; the bench counts the missed change.
        if (next === null) return this.fail(`missed a delta: version ${m.version} after ${view.version}`);
        this.views[i] = next;
        this.deltas++;
        return;
      }
      case "verdict":
        this.received++;
        return this.verdict(i, m);
      default:
        return this.fail(`unexpected message: ${text.slice(0, 120)}`);
    }
  }

  private snapshot(i: number, m: RoomView, text: string): void {
    if (!this.ids[i]) return this.fail("a snapshot before the welcome");
    if (this.views[i]) return this.fail("an unasked second snapshot");
    if (m.room !== this.room || m.players.length > 0 || m.order.length > VIEW.top || m.playerCount < 1)
      return this.fail(`wrong player snapshot: ${text.slice(0, 120)}`);
    this.views[i] = m;
    this.joined++;
    this.verified++;
  }

  private verdict(i: number, m: Verdict): void {
    const n = this.conns.length;
    if (m.round !== this.round) return this.fail(`a verdict for round ${m.round}, expected ${this.round}`);
    if (this.places[i]) return this.fail(`a second verdict in round ${m.round}`);
    if (!Number.isInteger(m.place) || m.place < 1 || m.place > n || !(m.gap >= 0))
      return this.fail(`impossible verdict: place ${m.place}, gap ${m.gap}`);
    this.places[i] = m.place;
    this.gaps[i] = m.gap;
    this.answered++;
    this.lastVerdictAt = now();
    const first = m.place === 1;
    if (first && this.firstPlaces++ > 0) return this.fail("more than one first place!");
    if (first ? m.text === FIRST && m.gap === 0 : SLOWER.test(m.text)) this.verified++;
    else this.fail(`verdict text ${m.text} for place ${m.place}`);
  }
}

/** Median and max of what each player received between two `bytes()` readings. */
export function bytesBetween(before: Float64Array, after: Float64Array): PlayerBytes {
  const d = after.map((b, i) => b - (before[i] as number)).sort();
  return { median: quantile(d, 0.5), max: d.at(-1) ?? Number.NaN };
}
