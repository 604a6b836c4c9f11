/** The player's standing on its page: own score, rank and team, and the top of the leaderboard. */
import type { RoomView } from "../protocol.ts";
import { pointsLabel, renderScores, renderTeams } from "./board.ts";
import { byId, showNote } from "./ui.ts";
import { rankNote } from "./words.ts";

/** Leaderboard lines a phone shows: the top (players are sent VIEW.top of them). */
const SHOWN = 5;

const ui = {
  myTeam: byId("my-team"),
  myScore: byId("my-score"),
  board: byId("board"),
  teams: byId<HTMLOListElement>("teams"),
  scores: byId<HTMLOListElement>("scores"),
};

/** Shows the player's score and, once it and anyone have points, its rank among the leaderboard's lines (`3 pts · 2nd of 12`), its team, and the board. */
export function renderStanding(view: RoomView | null, me: string | undefined): void {
  const you = view?.you;
  const scores = view?.scores ?? [];
  const scored = scores.some((s) => s.points !== 0);
  const rank = you && view ? rankNote(you.rank, view.scoreCount, you.points, scored) : "";
  showNote(ui.myScore, you ? [pointsLabel(you.points), rank].filter(Boolean).join(" · ") : "");
  showNote(ui.myTeam, you?.team ? ` · ${you.team}` : "");
  const teams = view?.teams ?? [];
  ui.board.hidden = !scored;
  ui.teams.hidden = teams.length === 0;
  renderTeams(ui.teams, teams, SHOWN, you?.team);
  renderScores(ui.scores, scores, SHOWN, me);
}
