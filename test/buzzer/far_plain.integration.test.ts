import { describe, expect, test } from "bun:test";
import { linkQuery, startProxy } from "../../bench/fairness/proxy.ts";
import { hasPythonWebsockets, PYTHON, type Running, spawn, startServer } from "../support.ts";

/** How much earlier the first presser presses, in ms. */
const LEAD = 40;
/** Python's start-up plus time for the server to measure both round trips before anyone presses. */
const SETTLE = 300 + 1500;

const python = hasPythonWebsockets();
if (!python)
  console.warn("far_plain: skipped, python3-websockets is missing (apt-get install python3-websockets)");

/**
 * Plays one round on a fresh server between two unchanged original Python clients, FAR through a
 * proxy adding 100 ms each way and NEAR direct; the one named first presses LEAD ms before the
 * other. Resolves with each client's printed reply.
 */
async function round(first: "far" | "near") {
  const server = await startServer("buzzer/buzzer_server.ts");
  const proxy = startProxy(server.url);
  const far = spawn([
    PYTHON,
    "test/python/buzzer_client.py",
    `${proxy.url}/${linkQuery({ up: 100, down: 100, jitter: 0, seed: 1 })}`,
  ]);
  const near = spawn([PYTHON, "test/python/buzzer_client.py", server.url]);
  try {
    await Bun.sleep(SETTLE);
    const [early, late] = first === "far" ? [far, near] : [near, far];
    await press(early);
    await Bun.sleep(LEAD);
    await press(late);
    const reply = async (client: Running) => (await client.waitFor(/Received: (.*)\n/, 10_000))[1];
    return { far: await reply(far), near: await reply(near) };
  } finally {
    // Killed, not ended: a client still waiting for its reply would not read the end of stdin.
    for (const client of [far, near]) client.proc.kill();
    await Promise.all([far.proc.exited, near.proc.exited]);
    proxy.stop();
    await server.stop();
  }
}

/** One press of the space bar: the original client reads a line of stdin for it. */
async function press(client: Running) {
  client.proc.stdin.write("\n");
  await client.proc.stdin.flush();
}

/** The gap in seconds a `response time: … seconds slower!` reply reports. */
function gap(reply: string | undefined): number {
  const match = reply?.match(/^response time: (\d+\.\d\d) seconds slower!$/);
  if (!match) throw new Error(`not a slower reply: ${reply}`);
  return Number(match[1]);
}

describe("buzzer_server.ts with a far original client", () => {
  test.if(python)(
    "places a far plain-text client that presses 40 ms earlier first, by about 40 ms",
    async () => {
      const replies = await round("far");
      expect(replies.far).toBe("first place!");
      // About LEAD; process scheduling moves it by a few ms either way.
      expect(gap(replies.near)).toBeGreaterThanOrEqual(0.02);
      expect(gap(replies.near)).toBeLessThanOrEqual(0.07);
    },
    20_000,
  );

  test.if(python)(
    "places a near plain-text client that presses 40 ms earlier first, ahead of the far one",
    async () => {
      const replies = await round("near");
      expect(replies.near).toBe("first place!");
      expect(gap(replies.far)).toBeGreaterThan(0);
    },
    20_000,
  );
});
