import { describe, expect, test } from "bun:test";
import { newConn } from "../../../buzzer/gateway/conn.ts";
import { ConnTable } from "../../../buzzer/gateway/conn_table.ts";
import { FakeSocket } from "./fakes.ts";

/** A connection as the gateway's open handler files it. */
function open(table: ConnTable): FakeSocket {
  const socket = new FakeSocket(newConn("10.0.0.1", 0));
  table.add(socket.ws, 0);
  return socket;
}

describe("ConnTable", () => {
  test("gives a connection its id at its first use, and finds it by that id", () => {
    const table = new ConnTable("g1");
    const [a, b] = [open(table), open(table)];
    expect([a.data.id, b.data.id]).toEqual([null, null]);
    expect([table.idOf(b.data), table.idOf(a.data), table.idOf(b.data)]).toEqual([
      "g1.1.1",
      "g1.2.0",
      "g1.1.1",
    ]);
    expect(table.get(a.id)).toBe(a.ws);
    expect(table.get(b.id)).toBe(b.ws);
    expect(table.has(b.data)).toBe(true);
    expect(table.size).toBe(2);
  });

  test("reuses a freed slot under a new id, so a gone connection's id finds nothing", () => {
    const table = new ConnTable("g1");
    const gone = open(table);
    const goneId = table.idOf(gone.data);
    expect(table.delete(gone.data)).toBe(true);
    const next = open(table);
    expect(table.idOf(next.data)).toBe("g1.2.0");
    expect(table.get(goneId)).toBeUndefined();
    expect(table.has(gone.data)).toBe(false);
    expect(table.delete(gone.data)).toBe(false);
    expect(table.get(next.id)).toBe(next.ws);
    expect(table.size).toBe(1);
  });

  test("lists the open connections in slot order", () => {
    const table = new ConnTable("g1");
    const [a, b, c] = [open(table), open(table), open(table)];
    table.delete(b.data);
    expect([...table.values()]).toEqual([a.ws, c.ws]);
    const d = open(table);
    expect([...table.values()]).toEqual([a.ws, d.ws, c.ws]);
    const seen: unknown[] = [];
    table.forEach((ws) => {
      seen.push(ws);
    });
    expect(seen).toEqual([a.ws, d.ws, c.ws]);
  });

  test("finds nothing for an id of another form or another gateway", () => {
    const table = new ConnTable("g1");
    const a = open(table);
    const id = table.idOf(a.data);
    for (const other of ["", "g1", "g1.", "g1.1", "g2.1.0", "g1.1.0.", "g1.1.-1", "x.y.z", id.slice(0, -1)])
      expect(table.get(other)).toBeUndefined();
    expect(table.get(id)).toBe(a.ws);
  });
});
