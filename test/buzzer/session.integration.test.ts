/**
 * The reconnecting session over a real socket, against a server scripted to answer as ours does when
 * a buzz made in one round arrives after the host began the next: `ROUND_OVER` for that press, then
 * the new round's press its verdict. Scripted, because on one machine the real server cannot be made
 * to meet that race at will: a buzz that late counts as made in the round before only when it took
 * longer than its link measures, which a loopback link never does.
 */
import { afterEach, describe, expect, test } from "bun:test";
import type { Server, ServerWebSocket } from "bun";
import { until } from "../../bench/harness.ts";
import type { ServerMessage } from "../../buzzer/protocol.ts";
import { Session } from "../../buzzer/session.ts";
import { roomView } from "./view_fixture.ts";

/** How long a step may take before the test gives up (a hang, not a speed check). */
const WAIT = 5000;

let server: Server<undefined> | null = null;
let session: Session | null = null;
afterEach(async () => {
  await session?.close();
  server?.stop(true);
});

describe("session", () => {
  test("tells each answer's press: a ROUND_OVER for the round before, then the new round's verdict", async () => {
    let client: ServerWebSocket<undefined> | null = null;
    let buzzes = 0;
    const send = (msg: ServerMessage) => client?.send(JSON.stringify(msg));
    server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: (req, srv) => (srv.upgrade(req) ? undefined : new Response("websockets only", { status: 400 })),
      websocket: {
        message(ws, text) {
          const msg = JSON.parse(String(text));
          if (msg.type === "join") {
            client = ws;
            send({ type: "welcome", id: "p1", name: "Ann", room: "QUIZ", token: "t", host: false });
            send({ type: "state", ...roomView({ round: 3 }) });
          }
          if (msg.type === "buzz") buzzes++;
        },
      },
    });
    const heard: [ServerMessage["type"], number | null | undefined][] = [];
    session = new Session({
      url: `ws://127.0.0.1:${server.port}/`,
      join: { name: "Ann", room: "QUIZ" },
      onMessage: (msg, answers) => heard.push([msg.type, answers]),
      onStatus: () => {},
    });
    session.start();
    expect(await until(() => heard.some(([type]) => type === "state"), WAIT)).toBe(true);
    // A press in round 3; the host begins round 4 before its buzz is read; a press in round 4.
    session.buzz(performance.now());
    expect(await until(() => buzzes === 1, WAIT)).toBe(true);
    send({ type: "state", ...roomView({ round: 4, version: 8 }) });
    expect(await until(() => heard.filter(([type]) => type === "state").length === 2, WAIT)).toBe(true);
    session.buzz(performance.now());
    expect(await until(() => buzzes === 2, WAIT)).toBe(true);
    send({ type: "error", code: "ROUND_OVER", message: "that press was made in round 3, which is over" });
    send({ type: "verdict", round: 4, place: 1, gap: 0, photo: false, text: "first place!" });
    expect(await until(() => heard.some(([type]) => type === "verdict"), WAIT)).toBe(true);
    expect(heard.filter(([type]) => type === "error" || type === "verdict")).toEqual([
      ["error", 3],
      ["verdict", 4],
    ]);
  });
});
