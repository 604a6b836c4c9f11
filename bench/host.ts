/** Our buzzer's host as a bench drives it: joins a room (MAIN unless told) with the secret, follows its state, starts rounds. */
import { until } from "./harness.ts";
import type { WireConn } from "./wire.ts";

interface HostMsg {
  type: string;
  round?: number;
  phase?: string;
  playerCount?: number;
  data?: string;
  code?: string;
  message?: string;
}

/** The host connection and the room's latest state as it saw it. */
export class Host {
  round = 0;
  phase = "";
  playerCount = 0;
  private log: string | null = null;

  private constructor(
    readonly conn: WireConn,
    fail: (message: string) => void,
  ) {
    conn.onText = (t) => {
      const m = JSON.parse(t) as HostMsg;
      if (m.type === "state") {
        this.round = m.round ?? 0;
        this.phase = m.phase ?? "";
        this.playerCount = m.playerCount ?? 0;
      } else if (m.type === "log") this.log = m.data ?? "";
      else if (m.type === "error") fail(`host: ${m.code} ${m.message ?? ""}`);
    };
  }

  /** Joins as the host on an open connection (opening `room` if new); throws if no state comes within 10 s. */
  static async join(
    conn: WireConn,
    secret: string,
    fail: (message: string) => void,
    room?: string,
  ): Promise<Host> {
    const host = new Host(conn, fail);
    conn.sendText(JSON.stringify({ type: "join", room, secret }));
    if (!(await until(() => host.round > 0, 10_000))) throw new Error("the host got no state within 10s");
    return host;
  }

  /** Starts a new round (reset, arm) and waits up to `ms` until it is open; returns whether it opened. */
  async newRound(ms: number): Promise<boolean> {
    const before = this.round;
    this.conn.sendText('{"type":"reset"}');
    this.conn.sendText('{"type":"arm"}');
    return until(() => this.round > before && this.phase === "open", ms);
  }

  /** The room's fairness records as JSON lines, as the host downloads them (null: none within `ms`). */
  async fairnessLog(ms: number): Promise<string | null> {
    this.log = null;
    this.conn.sendText(JSON.stringify({ type: "log", format: "jsonl" }));
    await until(() => this.log !== null, ms);
    return this.log;
  }
}
