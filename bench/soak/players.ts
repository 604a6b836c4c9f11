/**
 * The soak game's players: plain-text and JSON connections in room MAIN, their buzzes and the
 * verdicts each got this round, the checks on a round, and churn (players leaving and coming).
 */
import { now, openPooled, sleep, until } from "../harness.ts";
import { quantile } from "../stats.ts";
import { FIRST, isVerdict } from "../verdicts.ts";
import { connect, textFrame, type WireConn } from "../wire.ts";

/** One player connection and what it did in the current round. */
interface Player {
  kind: "plain" | "json";
  c: WireConn;
  name: string;
  token: string;
  id: string;
  /** Buzzes sent this round, and when the first went. */
  buzzes: number;
  firstAt: number;
  verdicts: string[];
  place: number;
  gap: number;
  /** A reconnect is in progress: replies are not expected. */
  leaving: boolean;
}

interface PlayerMsg {
  type: string;
  id?: number | string;
  token?: string;
  round?: number;
  place?: number;
  gap?: number;
  text?: string;
  code?: string;
  message?: string;
}

const PLAIN_BUZZ = textFrame("buzz");

/** Every player, and the latency and verdict counts their replies feed. */
export class Players {
  readonly all: Player[] = [];
  /** The open round: JSON verdicts must name it. */
  round = 0;
  stopping = false;
  private lat: number[] = [];
  private jsonLat: number[] = [];
  private verdicts = 0;
  private plainSeq = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly fail: (message: string) => void,
  ) {}

  /** Fills the room: JSON players one by one (each waits for its welcome), then plain-text ones 50 at a time. */
  async fill(json: number, plain: number): Promise<void> {
    for (let i = 0; i < json; i++) this.all.push(await this.openJson(`json ${i + 1}`));
    this.all.push(...(await openPooled(plain, 50, () => this.openPlain(), this.fail)));
  }

  /** Forgets last round's buzzes and verdicts, before the next round starts. */
  clearRound(): void {
    for (const p of this.all) {
      p.buzzes = 0;
      p.verdicts = [];
      p.place = 0;
      p.gap = 0;
    }
  }

  /** One buzz from `p` if round `r` is still the open one. */
  buzz(p: Player, r: number): void {
    if (this.stopping || this.round !== r || p.leaving || !p.c.isOpen) return;
    if (p.buzzes === 0) p.firstAt = now();
    p.buzzes++;
    if (p.kind === "plain") p.c.send(PLAIN_BUZZ);
    else p.c.sendText(JSON.stringify({ type: "buzz", at: now() }));
  }

  /** Checks the round that just ended: every buzz answered, a repeat the same again, one winner, places consistent. */
  check(): void {
    const { round, fail } = this;
    let firsts = 0;
    const json: Player[] = [];
    for (const p of this.all) {
      if (p.buzzes === 0) continue;
      if (p.verdicts.length !== p.buzzes) {
        fail(`${p.name}: ${p.buzzes} buzzes, ${p.verdicts.length} verdicts in round ${round}`);
        continue;
      }
      if (p.verdicts.some((v) => v !== p.verdicts[0])) fail(`${p.name}: a repeat got another verdict`);
      if (p.verdicts[0] === FIRST) firsts++;
      if (p.kind === "json") json.push(p);
    }
    if (firsts !== 1) fail(`round ${round}: ${firsts} first places`);
    json.sort((a, b) => a.place - b.place);
    for (let i = 1; i < json.length; i++) {
      const [a, b] = [json[i - 1] as Player, json[i] as Player];
      if (a.place === b.place) fail(`round ${round}: place ${a.place} twice`);
      if (b.gap < a.gap)
        fail(`round ${round}: place ${b.place} gap ${b.gap} < place ${a.place} gap ${a.gap}`);
    }
  }

  /** A few plain-text players leave and new ones come; JSON players come back with their token. */
  async churn(plain: number, json: number): Promise<void> {
    const pick = (kind: Player["kind"], n: number) => {
      const pool = this.all.filter((p) => p.kind === kind);
      const count = Math.min(n, pool.length);
      return Array.from(
        { length: count },
        () => pool.splice(Math.floor(Math.random() * pool.length), 1)[0] as Player,
      );
    };
    const leave = async (p: Player) => {
      p.leaving = true;
      await Promise.race([p.c.close(), sleep(2000)]);
    };
    for (const p of pick("plain", plain)) {
      await leave(p);
      this.all[this.all.indexOf(p)] = await this.openPlain();
    }
    for (const p of pick("json", json)) {
      await leave(p);
      await this.openJson(p.name, p);
      p.leaving = false;
    }
  }

  /** Latency (a player's first buzz of the round → its verdict) and counts since the last call. */
  take() {
    const sorted = Float64Array.from(this.lat).sort();
    const out = {
      verdicts: this.verdicts,
      placed: sorted.length,
      p50Ms: quantile(sorted, 0.5),
      p99Ms: quantile(sorted, 0.99),
      maxMs: quantile(sorted, 1),
      jsonP99Ms: quantile(Float64Array.from(this.jsonLat).sort(), 0.99),
    };
    this.lat = [];
    this.jsonLat = [];
    this.verdicts = 0;
    return out;
  }

  private player(kind: Player["kind"], c: WireConn, name: string): Player {
    const p: Player = {
      kind,
      c,
      name,
      token: "",
      id: "",
      buzzes: 0,
      firstAt: 0,
      verdicts: [],
      place: 0,
      gap: 0,
      leaving: false,
    };
    this.watch(p);
    return p;
  }

  /** Closes nobody expected are errors. */
  private watch(p: Player): void {
    p.c.onClose = (code) => {
      if (!this.stopping && !p.leaving) this.fail(`server closed ${p.name} (${code})`);
    };
  }

  private async openPlain(): Promise<Player> {
    const p = this.player(
      "plain",
      await connect(this.host, this.port, this.fail),
      `plain ${++this.plainSeq}`,
    );
    p.c.onText = (t) => {
      if (p.leaving) return;
      if (p.buzzes === 0) return this.fail(`unasked plain reply: ${t}`);
      if (p.verdicts.length === 0) this.lat.push(now() - p.firstAt);
      p.verdicts.push(t);
      this.verdicts++;
      if (!isVerdict(t)) this.fail(`not a verdict: ${t}`);
    };
    return p;
  }

  /** Opens a JSON player, or with `resume` reopens one with its token, and waits for its welcome. */
  private async openJson(name: string, resume?: Player): Promise<Player> {
    const c = await connect(this.host, this.port, this.fail);
    const p = resume ?? this.player("json", c, name);
    const { token, id } = p;
    p.c = c;
    p.token = "";
    this.watch(p);
    c.onText = (t) => this.onJson(p, t);
    c.sendText(JSON.stringify({ type: "join", name, ...(resume ? { token } : {}) }));
    if (!(await until(() => p.token !== "", 10_000, 5))) this.fail(`${name}: no welcome`);
    if (resume && (p.token !== token || p.id !== id)) this.fail(`${name}: resumed as someone else`);
    return p;
  }

  private onJson(p: Player, t: string): void {
    // State goes to every JSON client on every change: skipped without parsing.
    if (t.startsWith('{"type":"state"')) return;
    const m = JSON.parse(t) as PlayerMsg;
    if (m.type === "ping") p.c.sendText(JSON.stringify({ type: "pong", id: m.id, t: now() }));
    else if (m.type === "welcome") {
      p.token = m.token ?? "";
      p.id = typeof m.id === "string" ? m.id : "";
    } else if (m.type === "error") this.fail(`${p.name}: ${m.code} ${m.message}`);
    else if (m.type === "verdict" && !p.leaving) {
      if (p.buzzes === 0) return this.fail(`unasked verdict for ${p.name}: ${t}`);
      if (m.round !== this.round) this.fail(`${p.name}: verdict for round ${m.round} in round ${this.round}`);
      if (p.verdicts.length === 0) {
        const ms = now() - p.firstAt;
        this.lat.push(ms);
        this.jsonLat.push(ms);
        p.place = m.place ?? 0;
        p.gap = m.gap ?? 0;
      }
      p.verdicts.push(m.text ?? "");
      this.verdicts++;
    }
  }
}
