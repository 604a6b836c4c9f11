/** What the terminal client says in words: its status line, retries, and why a session ended. */
import { Close } from "../lib/close.ts";
import { unreachable } from "../lib/connect.ts";
import type { Kick } from "./host_keys.ts";
import type { RoomView } from "./protocol.ts";
import { seconds } from "./room_feed.ts";
import type { SessionStatus } from "./session.ts";

/** What the status line shows: who and where, the room, your last result, a kick being typed, the link. */
export interface StatusParts {
  view: RoomView | null;
  host: boolean;
  me: string;
  last: string;
  kicking: Kick | null;
  link: string;
}

/** The status line: room, players, phase and your last result, then a kick being typed and the link's state. */
export function statusLine({ view: v, host, me, last, kicking, link }: StatusParts): string {
  const parts = v
    ? [
        host ? `hosting ${v.room}` : `${me} in ${v.room}`,
        `${v.playerCount} player${v.playerCount === 1 ? "" : "s"}`,
        `round ${v.round} ${v.phase}`,
        last && `last: ${last}`,
      ]
    : [];
  if (kicking) parts.push(`kick [${kicking.digits}]`);
  return [...parts, link].filter(Boolean).join(" · ");
}

/** What a retry means to the user. */
export function retryLine(url: string, status: Extract<SessionStatus, { state: "retrying" }>): string {
  const when = seconds(status.delay);
  if (status.why === "lost") return "Connection lost — reconnecting…";
  if (status.why === "refused") return `Joining again in ${when}`;
  return `Cannot connect to ${url} (${unreachable(url)}) — retrying in ${when}`;
}

/** Why the session ended for good, in words. */
export function goneLine(code: number, reason: string): string {
  if (code === Close.KICKED) return "Kicked by the host — not reconnecting";
  if (code === Close.REPLACED) return "This player was resumed on another connection — not reconnecting";
  return `Refused by the server (${code}${reason ? ` ${reason}` : ""}) — not reconnecting`;
}
