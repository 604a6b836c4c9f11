/**
 * What the terminal client says about a room, pure: a line for each round or phase change, each
 * place once per round and again when the host marks it, takes the mark back or renames its player,
 * the player's own score when it changes, and (for hosts) the numbered player list whenever it changes.
 */
import { formatMs, markText, placeLine, roundText } from "./format.ts";
import type { OwnScore, Phase, PlaceView, PlayerView, RoomView } from "./protocol.ts";

/** What has been said so far, so that each change is said once. */
export interface Feed {
  /** Round and phase last announced (0 and null before the first state). */
  readonly round: number;
  readonly phase: Phase | null;
  /** Highest place announced in `round`. */
  readonly shown: number;
  /** The host's marks announced in `round`, by place. */
  readonly judged: Readonly<Record<number, Judged>>;
  /** The names the places of `round` were announced with, by place: a rename is said again. */
  readonly names: Readonly<Record<number, string>>;
  /** The player list as last printed (null: not yet): `k` and a digit pick from it. */
  readonly roster: readonly PlayerView[] | null;
  /** The player's own score line as last printed (null: none yet). */
  readonly score: string | null;
}

/** A feed that has said nothing yet. */
export const NEW_FEED: Feed = {
  round: 0,
  phase: null,
  shown: 0,
  judged: {},
  names: {},
  roster: null,
  score: null,
};

type Judged = NonNullable<PlaceView["judged"]>;

/**
 * The lines a new room state adds, and the feed that remembers them. `me` is the player's own id:
 * the host's mark on its place gets a line of its own.
 */
export function feedState(
  feed: Feed,
  view: RoomView,
  host: boolean,
  me?: string,
): { feed: Feed; lines: string[] } {
  const lines: string[] = [];
  const sameRound = view.round === feed.round;
  // A new round is said before its places; a lock within the round after them (the buzz that locked it comes first).
  if (!sameRound) lines.push(roundLine(view));
  let shown = sameRound ? feed.shown : 0;
  let judged = sameRound ? feed.judged : {};
  const names = { ...(sameRound ? feed.names : {}) };
  for (const place of [...view.order].sort((a, b) => a.place - b.place)) {
    const mark = place.judged;
    const was = judged[place.place];
    const marked = mark !== undefined && was !== mark;
    const unmarked = mark === undefined && was !== undefined;
    const renamed = names[place.place] !== undefined && names[place.place] !== place.name;
    // A place already said is said again only when the host marks it, takes the mark back or renames it.
    if (place.place <= shown && !marked && !unmarked && !renamed) continue;
    lines.push(
      `${placeLine(place.place, place.name, place.gap, place.photo)}${mark ? ` ${markText(mark)}` : ""}`,
    );
    names[place.place] = place.name;
    shown = Math.max(shown, place.place);
    if (unmarked) {
      // Forgotten, so a mark given again is said again.
      const { [place.place]: _, ...rest } = judged;
      judged = rest;
      if (place.id === me) lines.push("The host took back the mark on your answer");
    }
    if (!marked) continue;
    judged = { ...judged, [place.place]: mark };
    if (place.id === me) lines.push(`The host marked your answer ${markText(mark)}`);
  }
  if (sameRound && view.phase !== feed.phase) lines.push(roundLine(view));
  let roster = feed.roster;
  // Round trips are left out of the comparison: they change on every probe and would flood the screen.
  if (host && (!roster || rosterKey(view.players) !== rosterKey(roster))) {
    roster = view.players;
    lines.push(playersLine(roster));
  }
  let score = feed.score;
  // A player's own score, when it changes; a fresh player's zero is not news.
  const you = view.you ? scoreLine(view.you) : null;
  if (view.you && you !== score && (score !== null || view.you.points !== 0 || view.you.team !== undefined)) {
    lines.push(you as string);
    score = you;
  }
  return { feed: { round: view.round, phase: view.phase, shown, judged, names, roster, score }, lines };
}

/** `Round 2: open`, or `Round 2: armed, opens in 3.0s`. */
function roundLine(view: Pick<RoomView, "round" | "phase" | "countdown">): string {
  const opensIn = view.phase === "armed" && view.countdown !== undefined ? view.countdown : null;
  return roundText(view.round, view.phase, opensIn);
}

/** `Players: [1] Alice (rtt 12 ms, jitter 1.5 ms), [2] Bob (away)`, numbered for kicking. */
function playersLine(players: readonly PlayerView[]): string {
  if (players.length === 0) return "Players: none yet";
  const entries = players.map((p, i) => {
    const notes = [
      p.rtt !== undefined ? `rtt ${formatMs(p.rtt)}` : "",
      p.jitter !== undefined ? `jitter ${formatMs(p.jitter)}` : "",
      p.connected ? "" : "away",
      p.lockedOut ? "locked out" : "",
    ].filter(Boolean);
    return `[${i + 1}] ${p.name}${notes.length ? ` (${notes.join(", ")})` : ""}`;
  });
  return `Players: ${entries.join(", ")}`;
}

/** `Score: 3 points, rank 2, team Red`. */
export function scoreLine(score: OwnScore): string {
  const points = `${score.points} ${Math.abs(score.points) === 1 ? "point" : "points"}`;
  return `Score: ${points}, rank ${score.rank}${score.team !== undefined ? `, team ${score.team}` : ""}`;
}

/** A delay for people: `0.3s`, `1s`, `2.5s`. */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))}s`;
}

function rosterKey(players: readonly PlayerView[]): string {
  return JSON.stringify(players.map((p) => [p.id, p.name, p.connected, p.lockedOut]));
}
