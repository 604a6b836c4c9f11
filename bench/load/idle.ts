/** The idle scenario: the server's memory per open, silent connection. */
import { sleep } from "../harness.ts";
import { anonKiB, rssKiB } from "../procfs.ts";
import type { Session } from "./session.ts";

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
  await sleep(1000);
  const [after, anonAfter] = [rssKiB(pid), anonKiB(pid)];
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
