/**
 * The leanest big room we could write on a bare Bun.serve: the part of our JSON protocol that the
 * big-room scenario (bench/load/room.ts) speaks, and nothing else. A host joins with the secret and
 * starts rounds (`reset`, `arm`); players join by name and get a welcome and a snapshot, then deltas
 * (the player count, the phase, the top places), changes coalesced by ours' rule (effects.ts); a
 * buzz is answered at once in arrival order, as bare Bun does, and the top places go out once the
 * burst is over. No clock probing or fairness, no names checked, no scores, limits, records or journal: what
 * any room of phones costs on this runtime, beside ours. Usage:
 *   bun bench/reference/bare_room.ts [--host HOST] [--port PORT] [--secret SECRET]
 */
import { parseArgs } from "node:util";
import { gapSeconds, verdictText } from "../../buzzer/format.ts";
import { type PlaceView, VIEW } from "../../buzzer/protocol.ts";
import { MAX_PUBLISH_DELAY, publishQuiet } from "../../buzzer/room/effects.ts";

const { values } = parseArgs({
  options: {
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "8765" },
    secret: { type: "string", default: "bench-secret" },
  },
});

/** Places a player is shown. */
const TOP = VIEW.top;

/** A connection: a host, or a player once joined (its id and name), and its verdict this round. */
interface Conn {
  host: boolean;
  id: string;
  name: string;
  round: number;
  verdict: string;
}
type Socket = Bun.ServerWebSocket<Conn>;

let room = "";
let version = 0;
let round = 1;
let phase: "open" | "locked" = "locked";
let players = 0;
let nextId = 0;
let firstAt = 0;
let placed = 0;
const top: PlaceView[] = [];
const hosts = new Set<Socket>();
/** What changed since the last delta; when the pending delta is due, and the latest it may be put off to. */
let changed: { playerCount?: number; round?: number; phase?: string; order?: PlaceView[] } = {};
let timer: Timer | null = null;
let due = 0;
let latest = 0;

/** Marks a change to go out with the others that come within the quiet time (ours' rule, by room size). */
function soon(): void {
  if (timer) return;
  const now = performance.now();
  latest = now + MAX_PUBLISH_DELAY;
  due = now + Math.min(publishQuiet(players), MAX_PUBLISH_DELAY);
  timer = setTimeout(flush, due - now);
}

/** Puts a pending delta off while buzzes keep coming (up to its latest): the verdicts go first. */
function hold(): void {
  if (timer) due = Math.min(latest, performance.now() + publishQuiet(players));
}

/** Sends the pending changes once due: one delta to every player, the room's state to the hosts. */
function flush(): void {
  const wait = due - performance.now();
  if (wait >= 1) {
    timer = setTimeout(flush, wait);
    return;
  }
  sendNow();
}

/** Sends the pending changes now (and forgets the timer). */
function sendNow(): void {
  if (timer) clearTimeout(timer);
  timer = null;
  version++;
  server.publish("players", JSON.stringify({ type: "delta", room, version, ...changed }));
  changed = {};
  for (const h of hosts) h.send(JSON.stringify({ type: "state", room, round, phase, playerCount: players }));
}

/** The room as a newly joined player sees it (no player list, the top places). */
function snapshot(): string {
  const view = { room, version, round, phase, players: [], playerCount: players, order: top };
  return JSON.stringify({ type: "state", ...view, hosted: true, scores: [], scoreCount: 0, teams: [] });
}

function join(ws: Socket, m: { room?: string; name?: string; secret?: string }): void {
  room ||= String(m.room ?? "MAIN");
  if (m.secret !== undefined) {
    if (m.secret !== values.secret) return ws.close(4003, "wrong secret");
    ws.data.host = true;
    hosts.add(ws);
    return void ws.send(JSON.stringify({ type: "state", room, round, phase, playerCount: players }));
  }
  const conn = ws.data;
  conn.id = `p${++nextId}`;
  conn.name = String(m.name);
  const token = crypto.randomUUID().replaceAll("-", "");
  ws.send(JSON.stringify({ type: "welcome", room, host: false, id: conn.id, token, name: conn.name }));
  changed.playerCount = ++players;
  ws.send(snapshot());
  ws.subscribe("players");
  soon();
}

function buzz(ws: Socket): void {
  const conn = ws.data;
  if (phase !== "open" || conn.host) return;
  if (conn.round !== round) {
    const t = performance.now();
    conn.round = round;
    const place = ++placed;
    if (place === 1) firstAt = t;
    const gap = place === 1 ? 0 : gapSeconds(t - firstAt);
    const text = verdictText(place, gap);
    conn.verdict = JSON.stringify({ type: "verdict", round, place, gap, photo: false, text });
    if (place <= TOP) {
      top.push({ id: conn.id, name: conn.name, place, gap, photo: false });
      changed.order = top;
      soon();
    }
  }
  // The top places wait for the burst's verdicts: a delta to every player would hold them up.
  hold();
  ws.send(conn.verdict);
}

function host(type: string): void {
  if (type === "reset") {
    // The round's last places go out before the next round replaces them.
    if (timer) sendNow();
    round++;
    phase = "locked";
    placed = 0;
    top.length = 0;
    delete changed.order;
    changed.round = round;
    changed.phase = phase;
  } else if (type === "arm") {
    phase = "open";
    changed.phase = phase;
  } else return;
  soon();
}

const server = Bun.serve<Conn>({
  hostname: values.host,
  port: Number(values.port),
  fetch: (req, server) =>
    server.upgrade(req, { data: { host: false, id: "", name: "", round: 0, verdict: "" } })
      ? undefined
      : new Response(null, { status: 426 }),
  websocket: {
    message(ws, msg) {
      const m = JSON.parse(String(msg));
      if (m.type === "join") join(ws, m);
      else if (m.type === "buzz") buzz(ws);
      else if (ws.data.host) host(m.type);
    },
    close(ws) {
      if (ws.data.host) hosts.delete(ws);
      else if (ws.data.id) {
        changed.playerCount = --players;
        soon();
      }
    },
  },
});
console.log(`Server started on ws://${values.host}:${server.port}`);
process.on("SIGTERM", () => process.exit(0));
