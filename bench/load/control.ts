/** How the load generator starts a new buzzer round: `plain` sends `reset` (the references), `host:SECRET` hosts ours. */

import { until } from "../harness.ts";
import { Host } from "../host.ts";
import { connect, type WireConn } from "../wire.ts";
import type { Session } from "./session.ts";

/** Starts rounds on a connection of its own (watched: the server must not close it). */
export interface Control {
  /** Starts a new round and resolves once it is open; throws if it does not open within 10 s. */
  next(): Promise<void>;
  conn: WireConn;
  /** Our host (null for plain `reset`): the room's round and player count as it sees them. */
  host: Host | null;
}

/** Opens the control connection that --control describes (a host of `room`, MAIN unless told). */
export async function openControl(session: Session, room?: string): Promise<Control> {
  const { host, port, control } = session.settings;
  const conn = session.watch(await connect(host, port, session.fail));
  if (control === "plain") {
    let answered = false;
    conn.onText = (t) => {
      if (t === "new round") answered = true;
    };
    return {
      conn,
      host: null,
      async next() {
        answered = false;
        conn.sendText("reset");
        if (!(await until(() => answered, 10_000))) throw new Error('control: no "new round" within 10s');
      },
    };
  }
  if (!control.startsWith("host:")) throw new Error(`unknown --control ${control}`);
  const ours = await Host.join(conn, control.slice(5), session.fail, room);
  return {
    conn,
    host: ours,
    async next() {
      if (!(await ours.newRound(10_000))) throw new Error("control: no open round within 10s");
    },
  };
}
