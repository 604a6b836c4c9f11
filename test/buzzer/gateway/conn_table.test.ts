import { describe, expect, test } from "bun:test";
import { newConn } from "../../../buzzer/gateway/conn.ts";
import { ConnTable } from "../../../buzzer/gateway/conn_table.ts";
import { FakeSocket } from "./fakes.ts";

/** A connection as the gateway's open handler files it: its id is the table's. */
function open(table: ConnTable): FakeSocket {
  const socket = new FakeSocket(newConn("10.0.0.1", 0));
  socket.data.id = table.add(socket.ws);
  return socket;
}

describe("ConnTable", () => {
  test("finds an open connection by the id it was given", () => {
    const table = new ConnTable("g1");
    const [a, b] = [open(table), open(table)];
    expect([a.data.id, b.data.id]).toEqual(["g1.1.0", "g1.2.1"]);
    expect(table.get(a.data.id)).toBe(a.ws);
    expect(table.get(b.data.id)).toBe(b.ws);
    expect(table.has(b.data.id)).toBe(true);
    expect(table.size).toBe(2);
  });

  test("reuses a freed slot under a new id, so a gone connection's id finds nothing", () => {
    const table = new ConnTable("g1");
    const gone = open(table);
    expect(table.delete(gone.data.id)).toBe(true);
    const next = open(table);
    expect(next.data.id).toBe("g1.2.0");
    expect(table.get(gone.data.id)).toBeUndefined();
    expect(table.delete(gone.data.id)).toBe(false);
    expect(table.get(next.data.id)).toBe(next.ws);
    expect(table.size).toBe(1);
  });

  test("lists the open connections in slot order", () => {
    const table = new ConnTable("g1");
    const [a, b, c] = [open(table), open(table), open(table)];
    table.delete(b.data.id);
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
    for (const id of [
      "",
      "g1",
      "g1.",
      "g1.1",
      "g2.1.0",
      "g1.1.0.",
      "g1.1.-1",
      "x.y.z",
      a.data.id.slice(0, -1),
    ])
      expect(table.get(id)).toBeUndefined();
    expect(table.get(a.data.id)).toBe(a.ws);
  });
});
