/**
 * The join link at the top of the host console: the address players open (as the server knows it,
 * from `GET /join`: the LAN address when it listens on every interface) with its QR code, and a
 * warning when the server listens on this computer only.
 */
import { DEFAULT_ROOM } from "../protocol.ts";
import { qrSvg } from "./qr.ts";

/** What `GET /join` answers: the base URL players open, and whether other devices can reach it. */
interface Join {
  url: string;
  reachable: boolean;
}

/** The warning shown when only this computer can reach the server. */
const LOCAL_ONLY = "Only this computer can join: start the server with --host 0.0.0.0";

async function fetchJoin(): Promise<Join> {
  try {
    const res = await fetch("/join", { cache: "no-store" });
    const body = (await res.json()) as Partial<Join>;
    if (res.ok && typeof body.url === "string" && /^https?:\/\//.test(body.url) && URL.canParse(body.url))
      return { url: body.url, reachable: body.reachable !== false };
  } catch {
    // An older server has no /join: this page's own address is the best guess.
  }
  return { url: `${location.origin}/`, reachable: true };
}

/** A room's join link on a base URL: the base itself for the default room, `/r/CODE` otherwise. */
function roomUrl(base: string, room: string): string {
  return new URL(room === DEFAULT_ROOM ? "/" : `/r/${room}`, base).href;
}

let asked = 0;

/** Shows the room's join link, QR code and any warning (a later call wins over an earlier one). */
export async function showJoin(
  room: string,
  els: { link: HTMLAnchorElement; qr: HTMLElement; warning: HTMLElement },
): Promise<void> {
  const mine = ++asked;
  const join = await fetchJoin();
  if (mine !== asked) return;
  const url = roomUrl(join.url, room);
  els.link.href = url;
  els.link.textContent = url.replace(/^https?:\/\//, "");
  els.qr.replaceChildren(qrSvg(url));
  els.qr.setAttribute("aria-label", `QR code of the join link ${url}`);
  els.warning.textContent = join.reachable ? "" : LOCAL_ONLY;
  els.warning.hidden = join.reachable;
}
