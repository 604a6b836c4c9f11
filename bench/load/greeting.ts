/** The greeting scenarios: round trips on persistent connections, and the original client's whole life. */
import { now, sleep, until } from "../harness.ts";
import { Samples } from "../stats.ts";
import { connect, type WireConn } from "../wire.ts";
import type { Session } from "./session.ts";

/** Greeting round trips on persistent connections, one outstanding message each. */
export async function greet(session: Session): Promise<void> {
  const { result, fail, settings } = session;
  const conns = await session.openMany(settings.conns);
  const lat = new Samples();
  let running = true;
  let inWindow = false;
  conns.forEach((c, i) => {
    let seq = 0;
    let expected: string | null = null;
    let sentAt = 0;
    const fire = () => {
      const name = `n${i}-${seq++}`;
      expected = `Hello ${name}!`;
      sentAt = now();
      result.sent++;
      c.sendText(name);
    };
    c.onText = (text) => {
      result.received++;
      if (expected === null) return fail(`unasked reply: ${text}`);
      if (text === expected) result.verified++;
      else fail(`expected ${expected}, got ${text}`);
      expected = null;
      if (inWindow) lat.push(now() - sentAt);
      if (running) fire();
    };
    fire();
  });
  await sleep(settings.warmup * 1000);
  const a = session.mark();
  inWindow = true;
  await sleep(settings.seconds * 1000);
  inWindow = false;
  const b = session.mark();
  running = false;
  if (!(await until(() => result.received >= result.sent, settings.timeoutMs))) {
    fail(`${result.sent - result.received} replies missing`);
  }
  result.window = session.window(a, b, lat.sorted());
  await session.closeAll(conns);
}

/** The original client's life, over and over on --conns loops: connect, send a name, read the greeting, close. */
export async function cycle(session: Session): Promise<void> {
  const { result, fail, settings } = session;
  const lat = new Samples();
  let running = true;
  let windowStart = Number.POSITIVE_INFINITY;
  let windowEnd = Number.POSITIVE_INFINITY;
  const timeout = () => sleep(settings.timeoutMs).then(() => null);
  const loop = async (i: number) => {
    for (let seq = 0; running; seq++) {
      const t = now();
      let c: WireConn;
      try {
        c = await connect(session.nextHost(), settings.port, fail);
      } catch (e) {
        fail((e as Error).message);
        await sleep(10);
        continue;
      }
      const name = `c${i}-${seq}`;
      const reply = new Promise<string | null>((resolve) => {
        c.onText = resolve;
        c.onClose = () => resolve(null);
      });
      result.sent++;
      c.sendText(name);
      const text = await Promise.race([reply, timeout()]);
      if (text === null) fail(`no greeting for ${name}`);
      else {
        result.received++;
        if (text === `Hello ${name}!`) result.verified++;
        else fail(`expected Hello ${name}!, got ${text}`);
      }
      if ((await Promise.race([c.close(), timeout()])) === null) {
        fail("the server did not close the connection");
        c.drop();
      } else if (c.closeCode !== 1000) fail(`close code ${c.closeCode}`);
      const end = now();
      if (t >= windowStart && end <= windowEnd) lat.push(end - t);
    }
  };
  const loops = Array.from({ length: settings.conns }, (_, i) => loop(i));
  await sleep(settings.warmup * 1000);
  const a = session.mark();
  windowStart = a.t;
  await sleep(settings.seconds * 1000);
  const b = session.mark();
  windowEnd = b.t;
  running = false;
  await Promise.all(loops);
  result.window = session.window(a, b, lat.sorted());
}
