/**
 * The host console's plain words and checks, without the page: a player's link rated good, fair
 * or poor, what a host may type for points and names, what removing offline players asks, and when
 * a key pressed twice counts once.
 */
import { formatMs } from "../format.ts";
import { LIMITS, type PlaceView, type PlayerView } from "../protocol.ts";

/**
 * How soon after a mark or undo moved the keyboard a key's press there is taken for the same press
 * again, in ms: Enter pressed twice would otherwise mark an answer and take the mark back.
 */
export const DOUBLE_ACTION_MS = 500;

/** A player's link in plain words: how a buzz from there compares, from round trip and jitter. */
export type Quality = "good" | "fair" | "poor" | "unknown";

/** Rates a link: under 100 ms round trip and 20 ms jitter is good, under 300 and 60 fair. */
export function quality(rtt: number | undefined, jitter: number | undefined): Quality {
  if (rtt === undefined) return "unknown";
  const spread = jitter ?? 0;
  if (rtt < 100 && spread < 20) return "good";
  if (rtt < 300 && spread < 60) return "fair";
  return "poor";
}

/** The dot's tooltip: the rating and the numbers behind it. */
export function qualityTitle(p: Pick<PlayerView, "connected" | "rtt" | "jitter">): string {
  if (!p.connected) return "offline";
  const rated = quality(p.rtt, p.jitter);
  if (rated === "unknown" || p.rtt === undefined) return "connected, link not measured yet";
  const jitter = p.jitter === undefined ? "" : `, jitter ${formatMs(p.jitter)}`;
  return `${rated} connection: round trip ${formatMs(p.rtt)}${jitter}`;
}

/** Checks a points value typed by the host: a whole number, not zero, within LIMITS.points. */
export function pointsProblem(value: string): string {
  const n = Number(value);
  if (value === "" || !Number.isInteger(n) || n === 0 || Math.abs(n) > LIMITS.points)
    return `Points: a whole number from -${LIMITS.points} to ${LIMITS.points}, not 0.`;
  return "";
}

/** The countdown the host typed, in whole ms, or null unless it is a number of seconds the server accepts. */
export function countdownMs(value: string): number | null {
  const seconds = Number(value);
  if (value.trim() === "" || !Number.isFinite(seconds)) return null;
  const ms = Math.round(seconds * 1000);
  return ms >= 0 && ms <= LIMITS.countdown ? ms : null;
}

/** What the countdown field allows, as the host is told when it holds something else. */
export const COUNTDOWN_RANGE = `Countdown: 0 to ${LIMITS.countdown / 1000} seconds`;

/** The countdown button's label: the seconds it arms, or none while the field holds no countdown allowed. */
export function armLabel(value: string): string {
  const ms = countdownMs(value);
  return ms === null ? "Countdown" : `Countdown ${ms / 1000} s`;
}

/** Checks a name typed by the host (the server checks it again). */
export function nameProblem(value: string): string {
  return value.length < 1 || value.length > LIMITS.name ? `A name is 1 to ${LIMITS.name} characters.` : "";
}

/** The offline players a prune removes and keeps, as the console sees them. */
export interface PruneCount {
  /** Offline players with no part in the current round: the ones a prune removes (at most, when `more`). */
  gone: number;
  /** Offline players shown with a place or a false start this round: the server keeps them until the next. */
  staying: number;
  /** Some offline players are past the list shown: `gone` counts them all as going, though some may stay. */
  more: boolean;
}

/**
 * Counts what a prune does (moderation.ts `prune`) from the players shown and the room's `offline`
 * count: an offline player with a place in `order` or a false start this round stays until the next
 * round, the others go. In a room bigger than the list, the offline players past it are counted too.
 */
export function pruneCount(
  players: readonly PlayerView[],
  order: readonly PlaceView[],
  offline: number,
): PruneCount {
  const placed = new Set(order.map((p) => p.id));
  const shown = players.filter((p) => !p.connected);
  const staying = shown.filter((p) => p.lockedOut || placed.has(p.id)).length;
  const more = offline > shown.length;
  return { gone: (more ? offline : shown.length) - staying, staying, more };
}

const offlinePlayers = (n: number) => `${n} offline player${n === 1 ? "" : "s"}`;

/** The note on the players a prune keeps: `10 who buzzed this round stay until the next.` (empty for none). */
export function pruneStaying(staying: number): string {
  if (!staying) return "";
  return `${staying} who buzzed this round ${staying === 1 ? "stays" : "stay"} until the next.`;
}

/**
 * What "Remove offline players" asks: how many go (up to that many when some are past the list shown),
 * how many who buzzed this round stay until the next, and that the removed players' points stay on
 * the leaderboard, in the right number.
 */
export function pruneQuestion(count: PruneCount): { title: string; message: string } {
  const { gone, staying, more } = count;
  const one = gone === 1 && !more;
  return {
    title: `Remove ${more ? "up to " : ""}${offlinePlayers(gone)}?`,
    message: [
      pruneStaying(staying),
      "Their points stay on the leaderboard.",
      one ? "They can join again as a new player." : "They can join again as new players.",
    ]
      .filter(Boolean)
      .join(" "),
  };
}

/**
 * The note over a search's results: `3 of 1500 players match`, or when more matched than the server
 * sends, how to see the rest (`First 20 of 57 matches shown: type more of the name`).
 */
export function foundNote(shown: number, count: number, total: number): string {
  if (count === 0) return "No player matches";
  if (count > shown) return `First ${shown} of ${count} matches shown: type more of the name`;
  // The room's size comes with its last state, which a search may be ahead of.
  const of = Math.max(total, count);
  return `${count} of ${of} player${of === 1 ? "" : "s"} ${count === 1 ? "matches" : "match"}`;
}

/**
 * What a screen reader is told of a search's results: the matches alone, not the room's size, which
 * changes with every join in a busy room and would have the note read out again and again.
 */
export function foundSaid(shown: number, count: number): string {
  if (count === 0) return "No player matches";
  if (count > shown) return `First ${shown} of ${count} matches shown`;
  return `${count} player${count === 1 ? " matches" : "s match"}`;
}
