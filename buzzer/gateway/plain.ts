/**
 * The original's plain-text path: a connection that sends `buzz` becomes a player of the default
 * room at its first buzz. The original's client blocks while it waits for the space bar, so it
 * answers no ping until it has buzzed: such a buzz is held until a ping sent on its arrival comes
 * back, and is then decided with that round trip.
 */
import type { Bus } from "../bus/local.ts";
import { DEFAULT_ROOM } from "../protocol.ts";
import type { Clock } from "../time.ts";
import type { Admission } from "./admission.ts";
import type { Socket } from "./conn.ts";
import type { ConnTable } from "./conn_table.ts";
import type { Prober } from "./prober.ts";
import { linkNews } from "./probes.ts";

/** What the plain path needs of its gateway. */
export interface PlainPath {
  bus: Bus;
  clock: Clock;
  admission: Admission;
  prober: Prober;
  conns: ConnTable;
  /** The longest a held buzz waits for its measure, in ms (a round trip within the cap comes back by then). */
  maxCompensation: number;
  /** Sends a bound player's buzz that arrived at `at`. */
  buzz: (ws: Socket, room: string, at: number) => void;
}

/** A plain `buzz` that arrived at `now`. */
export function plainBuzz(ws: Socket, now: number, path: PlainPath): void {
  const conn = ws.data;
  // A buzz waits for its measure (below), or for the join: this one waits behind it.
  if (conn.waiting !== null) {
    conn.waiting.at.push(now);
    return;
  }
  if (conn.mode === "new") {
    // Every new plain-text connection is a new player, so a client that reconnects in a loop
    // meets the same per-address limit as JSON joins.
    if (!path.admission.join(conn.address, now)) {
      return void ws.send("error: too many players joined from your address: try again shortly");
    }
    conn.mode = "plain";
  }
  // Never measured (its pings unanswered): measured now, while it waits for its reply.
  if (conn.probes.link === null && !conn.probes.answered) return hold(ws, now, path);
  // The usual case, a bound player's buzz, goes straight on.
  if (conn.room) return path.buzz(ws, conn.room, now);
  join(ws, [now], path);
}

/**
 * Holds a buzz until a ping sent now comes back, or the longest wait is over. Apart from
 * `plainBuzz`: a function that makes a closure allocates its scope on every call, and `plainBuzz`
 * runs for every buzz of a burst.
 */
function hold(ws: Socket, now: number, path: PlainPath): void {
  ws.data.waiting = { for: "measure", at: [now] };
  path.prober.pingNow(ws, now);
  path.prober.holding();
  path.clock.after(path.maxCompensation, () => release(ws, path));
}

/** Sends held plain buzzes on, once the link is measured or the wait is over. */
export function release(ws: Socket, path: PlainPath): void {
  const conn = ws.data;
  const { waiting, room } = conn;
  if (waiting?.for !== "measure" || !path.conns.has(conn)) return;
  conn.waiting = null;
  path.prober.released();
  if (room) for (const at of waiting.at) path.buzz(ws, room, at);
  else join(ws, waiting.at, path);
}

/** Joins a new plain player; its buzzes that arrived `at` go out once the owner has bound it (gateway.ts bind). */
function join(ws: Socket, at: number[], path: PlainPath): void {
  const conn = ws.data;
  conn.waiting = { for: "join", at };
  path.bus.send({
    type: "join",
    conn: path.conns.idOf(conn),
    room: DEFAULT_ROOM,
    plain: true,
    link: linkNews(conn.probes, true),
    mayAdd: true,
    address: conn.address,
  });
}
