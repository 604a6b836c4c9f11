/**
 * A gateway's open connections by id. Slots in an array, reused as connections come and go, rather
 * than a Map: a JavaScriptCore Map costs about 150 bytes an entry, as much as the connection's own
 * state, and a gateway holds tens of thousands of connections. An id names its slot and is never
 * given twice, so an owner's effect for a connection that has gone never reaches its slot's next one.
 * An id is given at a connection's first use of it (its first command to an owner), not when it
 * opens: an idle connection never needs one, and the string costs about 100 bytes. When each opened
 * is kept here too, by slot (8 bytes), rather than on the connection (see conn.ts Conn).
 */
import type { Conn, Socket } from "./conn.ts";

/** Open connections, found by id in constant time, iterated in slot order. */
export class ConnTable {
  private readonly slots: (Socket | null)[] = [];
  /** When the connection in each slot opened. */
  private readonly opened: number[] = [];
  /** Slots free for reuse, the most recently freed last. */
  private readonly free: number[] = [];
  private seq = 0;
  private count = 0;

  /** `prefix` names the gateway: ids are `prefix.N.SLOT`, N counting every connection it has opened. */
  constructor(private readonly prefix: string) {}

  /** How many connections are open. */
  get size(): number {
    return this.count;
  }

  /** Puts a connection opening at `now` in a slot. */
  add(ws: Socket, now: number): void {
    const slot = this.free.pop() ?? this.slots.length;
    this.slots[slot] = ws;
    this.opened[slot] = now;
    ws.data.slot = slot;
    this.count++;
  }

  /** The connection's id, given now if it has none yet. */
  idOf(conn: Conn): string {
    conn.id ??= `${this.prefix}.${++this.seq}.${conn.slot}`;
    return conn.id;
  }

  /** The open connection with this id, if any. */
  get(id: string): Socket | undefined {
    const ws = this.slots[slotOf(id)];
    return ws && ws.data.id === id ? ws : undefined;
  }

  /** When the connection opened (never, for one not open: it is not idle). */
  openedAt(conn: Conn): number {
    return this.opened[conn.slot] ?? Number.POSITIVE_INFINITY;
  }

  /** Whether the connection is open. */
  has(conn: Conn): boolean {
    return this.slots[conn.slot]?.data === conn;
  }

  /** Frees the connection's slot; false if it was not open. */
  delete(conn: Conn): boolean {
    if (!this.has(conn)) return false;
    this.slots[conn.slot] = null;
    this.free.push(conn.slot);
    this.count--;
    return true;
  }

  /** Calls `fn` for every open connection, in slot order: no iterator, for the prober's look at all of them each tick. */
  forEach(fn: (ws: Socket) => void): void {
    for (const ws of this.slots) if (ws) fn(ws);
  }

  /** Every open connection, in slot order. */
  *values(): IterableIterator<Socket> {
    for (const ws of this.slots) if (ws) yield ws;
  }
}

/**
 * The slot an id names: its last part, read digit by digit from the end (no substring: a burst's
 * verdicts look up thousands of ids); -1, which holds nothing, for an id of another form.
 */
function slotOf(id: string): number {
  let slot = 0;
  for (let i = id.length - 1, unit = 1; i >= 0; i--, unit *= 10) {
    const digit = id.charCodeAt(i) - 48;
    if (digit >= 0 && digit <= 9) slot += digit * unit;
    else return id[i] === "." && i < id.length - 1 ? slot : -1;
  }
  return -1;
}
