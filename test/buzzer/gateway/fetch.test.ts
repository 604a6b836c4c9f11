import { describe, expect, test } from "bun:test";
import { IDLE_GRACE } from "../../../buzzer/gateway/conn.ts";
import { FakeSocket, setup, upgradeRequest } from "./fakes.ts";

const ALLOWED = new Set(["localhost:3000"]);

/** The status and body of a refusal; throws if the gateway upgraded instead. */
async function refusal(answer: Response | FakeSocket): Promise<[number, string]> {
  if (answer instanceof FakeSocket) throw new Error("the gateway upgraded the request");
  return [answer.status, await answer.text()];
}

describe("Gateway.fetch", () => {
  test("refuses a connection past maxConnections with 503 while no connection is idle past its grace", async () => {
    const { request, connect, lines } = setup(undefined, { maxConnections: 2 });
    connect("10.0.0.1");
    connect("10.0.0.2");
    expect(await refusal(request("10.0.0.3"))).toEqual([503, "the server is full, try again later\n"]);
    expect(lines).toEqual(["Refused a connection: the server is full, try again later"]);
  });

  test("closes a connection idle past idleGrace with 1013 to make room", () => {
    const { clock, connect, json, request } = setup(undefined, { maxConnections: 3, idleGrace: 5000 });
    const joined = connect();
    json(joined, { type: "join" });
    const idle = connect();
    const idleToo = connect();
    clock.advance(5000);
    const fresh = request("10.0.0.9");
    expect(fresh).toBeInstanceOf(FakeSocket);
    // A joined connection is never closed for room, however old: an idle one is (the first in the table).
    expect(joined.closed).toBeNull();
    expect(idle.closed).toEqual({ code: 1013, reason: "idle while the server is full" });
    expect(idleToo.closed).toBeNull();
  });

  test("keeps an idle connection within its grace: IDLE_GRACE (10 s) by default", async () => {
    const { clock, connect, request } = setup(undefined, { maxConnections: 1 });
    expect(IDLE_GRACE).toBe(10_000);
    const idle = connect();
    clock.advance(9999);
    expect((await refusal(request("10.0.0.2")))[0]).toBe(503);
    expect(idle.closed).toBeNull();
    clock.advance(1);
    expect(request("10.0.0.2")).toBeInstanceOf(FakeSocket);
    expect(idle.closed).toEqual({ code: 1013, reason: "idle while the server is full" });
  });

  test("does not close a connection whose join is on its way or that has buzzed", async () => {
    const { clock, connect, message, json, request } = setup(() => [], { maxConnections: 2, idleGrace: 10 });
    const joining = connect();
    json(joining, { type: "join" });
    const plain = connect();
    message(plain, "buzz");
    clock.advance(1000);
    expect((await refusal(request("10.0.0.2")))[0]).toBe(503);
    expect([joining.closed, plain.closed]).toEqual([null, null]);
  });

  test("closes a connection whose join was refused, once idle past its grace, as one that never joined", () => {
    const { clock, connect, json, gateway, request } = setup(() => [], { maxConnections: 1, idleGrace: 10 });
    const refused = connect();
    json(refused, { type: "join", secret: "guess" });
    gateway.deliver([
      { type: "error", conn: refused.id, code: "BAD_SECRET", message: "wrong host secret for room MAIN" },
    ]);
    clock.advance(10);
    expect(request("10.0.0.2")).toBeInstanceOf(FakeSocket);
    expect(refused.closed).toEqual({ code: 1013, reason: "idle while the server is full" });
  });

  test("refuses a connection past connectionsPerAddress with 429, and counts one that closes", async () => {
    const { connect, request, close, lines } = setup(undefined, { connectionsPerAddress: 2 });
    const first = connect("10.0.0.1");
    connect("10.0.0.1");
    expect(await refusal(request("10.0.0.1"))).toEqual([429, "too many connections from 10.0.0.1\n"]);
    expect(lines).toEqual(["Refused a connection: too many connections from 10.0.0.1"]);
    expect(request("10.0.0.2")).toBeInstanceOf(FakeSocket);
    close(first);
    expect(request("10.0.0.1")).toBeInstanceOf(FakeSocket);
  });

  test("gives the address its count back when the upgrade fails with 404", async () => {
    const { state, request } = setup(undefined, { connectionsPerAddress: 1 });
    state.upgrades = false;
    expect(await refusal(request("10.0.0.1"))).toEqual([404, "Not found\n"]);
    state.upgrades = true;
    expect(request("10.0.0.1")).toBeInstanceOf(FakeSocket);
  });

  test("refuses a browser's upgrade from a foreign origin with 403 (checkUpgrade)", async () => {
    const { gateway, server, request, lines } = setup();
    gateway.attach(server, ALLOWED);
    expect(await refusal(request("10.0.0.1", upgradeRequest("http://evil.example")))).toEqual([
      403,
      "foreign origin http://evil.example or unknown host localhost:3000\n",
    ]);
    expect(lines).toEqual([
      "Refused a connection: foreign origin http://evil.example or unknown host localhost:3000",
    ]);
    // A page the server serves, or a client that is no browser (no Origin), is upgraded.
    expect(request("10.0.0.1", upgradeRequest("http://localhost:3000"))).toBeInstanceOf(FakeSocket);
    expect(request("10.0.0.1", upgradeRequest())).toBeInstanceOf(FakeSocket);
    gateway.detach();
  });

  test("prints 20 lines about one address's refusals, then one a second saying how many it held back", async () => {
    const { gateway, server, clock, request, lines } = setup();
    gateway.attach(server, ALLOWED);
    const line = "Refused a connection: foreign origin http://evil.example or unknown host localhost:3000";
    for (let i = 0; i < 25; i++)
      expect((await refusal(request("10.0.0.1", upgradeRequest("http://evil.example"))))[0]).toBe(403);
    expect(lines).toEqual(Array(20).fill(line));
    // Another address has lines of its own.
    await refusal(request("10.0.0.2", upgradeRequest("http://evil.example")));
    expect(lines.length).toBe(21);
    clock.advance(1000);
    await refusal(request("10.0.0.1", upgradeRequest("http://evil.example")));
    expect(lines.at(-1)).toBe(`${line} (and 5 more lines about 10.0.0.1 held back)`);
    gateway.detach();
  });

  test("quotes the first 100 characters of a refused request's Origin and Host, in its line and its answer", async () => {
    const { gateway, server, request, lines } = setup();
    gateway.attach(server, ALLOWED);
    const [origin, host] = [`http://${"o".repeat(8000)}`, `${"h".repeat(8000)}:3000`];
    const why = `foreign origin ${origin.slice(0, 100)} or unknown host ${"h".repeat(100)}`;
    expect(await refusal(request("10.0.0.1", upgradeRequest(origin, host)))).toEqual([403, `${why}\n`]);
    expect(lines).toEqual([`Refused a connection: ${why}`]);
    gateway.detach();
  });

  test("refuses a browser's upgrade for a host the server is not reached by, with 403", async () => {
    const { gateway, server, request } = setup();
    gateway.attach(server, ALLOWED);
    const rebound = upgradeRequest("http://attacker.example:3000", "attacker.example:3000");
    expect((await refusal(request("10.0.0.1", rebound)))[0]).toBe(403);
    gateway.detach();
  });

  test("refuses every browser before attach tells it the server's hosts", async () => {
    const { request } = setup();
    expect((await refusal(request("10.0.0.1", upgradeRequest("http://localhost:3000"))))[0]).toBe(403);
    expect(request("10.0.0.1", upgradeRequest())).toBeInstanceOf(FakeSocket);
  });
});
