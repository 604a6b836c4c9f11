/** The idle scenario: the server's memory per open, silent connection. */
import { sleep } from "../harness.ts";
import { anonKiB, rssKiB } from "../procfs.ts";
import type { Session } from "./session.ts";

/** How long the memory is watched after the last connection opened, and how often it is read, in ms. */
const WATCH = { ms: 5000, every: 250 };

/**
 * The least VmRSS and RssAnon of the process over the watch. Not one reading: opening leaves
 * transient memory (garbage, buffers) that a Bun server gives back 1 to 4 s later, when a
 * collection happens to run; read at 1 s, bare Bun's figure landed on 1.0 or 1.65 KiB anonymous a
 * connection from run to run, and ours on 1.7 or 2.0. What stays is what the connections hold.
 */
async function settled(pid: number): Promise<{ rss: number; anon: number }> {
  let [rss, anon] = [rssKiB(pid), anonKiB(pid)];
  for (let t = 0; t < WATCH.ms; t += WATCH.every) {
    await sleep(WATCH.every);
    rss = Math.min(rss, rssKiB(pid));
    anon = Math.min(anon, anonKiB(pid));
  }
  return { rss, anon };
}

/** Server RSS before and after opening --conns idle connections (needs --pid). */
export async function idle(session: Session): Promise<void> {
  const { result, fail, settings } = session;
  const pid = settings.pid;
  if (pid === null) throw new Error("idle needs --pid");
  // A few connections first, so code paths and pools the first connection needs are not counted.
  await session.closeAll(await session.openMany(100));
  session.closing = false;
  await sleep(1000);
  const [before, anonBefore] = [rssKiB(pid), anonKiB(pid)];
  const conns = await session.openMany(settings.conns);
  const { rss: after, anon: anonAfter } = await settled(pid);
  const open = conns.filter((c) => c.isOpen).length;
  // Each connection that opened and stayed open is one verified reply (the handshake).
  result.sent = settings.conns;
  result.received = conns.length;
  result.verified = open;
  if (open < settings.conns) fail(`${settings.conns - open} of ${settings.conns} connections not open`);
  result.idle = {
    rssBeforeKiB: before,
    rssAfterKiB: after,
    kibPerConn: (after - before) / Math.max(1, open),
    anonKibPerConn: (anonAfter - anonBefore) / Math.max(1, open),
  };
  await session.closeAll(conns);
}
