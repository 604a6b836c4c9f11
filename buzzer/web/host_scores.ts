/** The host console's leaderboard, players and teams, and the scores' CSV download. */
import type { ScoreView, TeamView } from "../protocol.ts";
import { download, h } from "./ui.ts";
import { teamSize } from "./words.ts";

function line(rank: number, name: string, detail: string, points: number): HTMLLIElement {
  const li = h("li");
  li.append(h("span", "rank", String(rank)), h("span", "name", name));
  if (detail) li.append(h("span", "detail", detail));
  li.append(h("span", "points", String(points)));
  return li;
}

/** Fills the leaderboard: every player's line (rank, name, team, points), then the teams if any. */
export function renderBoard(
  els: { scores: HTMLOListElement; empty: HTMLElement; teams: HTMLOListElement; teamsTitle: HTMLElement },
  scores: readonly ScoreView[],
  teams: readonly TeamView[],
): void {
  els.scores.replaceChildren(...scores.map((s) => line(s.rank, s.name, s.team ?? "", s.points)));
  els.empty.hidden = scores.length > 0;
  els.teams.replaceChildren(...teams.map((t) => line(t.rank, t.name, teamSize(t.players, t.away), t.points)));
  els.teams.hidden = els.teamsTitle.hidden = teams.length === 0;
}

/** Saves the scores the server sent as `scores-ROOM-<time>.csv`. */
export function saveScores(room: string, csv: string): void {
  const stamp = new Date().toISOString().slice(0, 19).replaceAll(":", "-");
  download(`scores-${room}-${stamp}.csv`, csv, "text/csv");
}
