/** The leaderboard as the projector and the player page show it: players by points, and teams. */
import type { ScoreView, TeamView } from "../protocol.ts";
import { h } from "./ui.ts";
import { teamSize } from "./words.ts";

/** Fills an `<ol>` with the first `max` lines of the leaderboard: rank, name (and team), points. */
export function renderScores(
  list: HTMLOListElement,
  scores: readonly ScoreView[],
  max: number,
  mine?: string,
): void {
  const items = scores.slice(0, max).map((s) => {
    const li = h("li", s.id === mine ? "mine" : "");
    li.dataset.player = s.id;
    const name = h("span", "name", s.name);
    if (s.team !== undefined) name.append(h("span", "team", s.team));
    li.append(h("span", "rank", String(s.rank)), name, h("span", "points", pointsLabel(s.points)));
    return li;
  });
  list.replaceChildren(...items);
}

/** Fills an `<ol>` with the first `max` teams: rank, name, members and points. */
export function renderTeams(
  list: HTMLOListElement,
  teams: readonly TeamView[],
  max: number,
  mine?: string,
): void {
  const items = teams.slice(0, max).map((t) => {
    const li = h("li", t.name === mine ? "mine" : "");
    const name = h("span", "name", t.name);
    name.append(h("span", "team", teamSize(t.players, t.away)));
    li.append(h("span", "rank", String(t.rank)), name, h("span", "points", pointsLabel(t.points)));
    return li;
  });
  list.replaceChildren(...items);
}

/** Points as a board shows them: `1 pt`, `12 pts`, `−2 pts` (a true minus sign, readable from afar). */
export function pointsLabel(points: number): string {
  const n = points < 0 ? `−${-points}` : String(points);
  return `${n} ${Math.abs(points) === 1 ? "pt" : "pts"}`;
}
