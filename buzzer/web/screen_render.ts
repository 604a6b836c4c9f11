/**
 * What the projector draws from a view of its room: the lobby before the first round, then the
 * phase, the winner, the places (large while they fit, then the first few large and the rest in
 * a denser grid, then as many as fit with a count of the rest), the false starts and the
 * leaderboard, each cut to fit a 1080p screen without scrolling.
 */
import { DEFAULT_ROOM, type RoomView } from "../protocol.ts";
import { renderScores, renderTeams } from "./board.ts";
import { isLobby } from "./cues.ts";
import { overflows, trimToFit } from "./fit.ts";
import { byId, h, judgedBadge, playersLabel, renderOrder, showNote } from "./ui.ts";
import { quietLockLabel, teamSize } from "./words.ts";

/** Most places the projector lists, past what any screen holds readably: the rest are a count. */
const ORDER_SHOWN = 80;
/** Most joined players the lobby names. */
const LOBBY_SHOWN = 60;
/** Most false starts named; the rest are counted. */
const FALSE_STARTS_SHOWN = 8;
/** Leaderboard lines: players, and teams when there are teams. */
const SCORES_SHOWN = 10;
const TEAMS_SHOWN = 5;

const ui = {
  phase: byId("phase"),
  hostNote: byId("host-note"),
  lobby: byId("lobby"),
  lobbyCount: byId("lobby-count"),
  lobbyNames: byId<HTMLUListElement>("lobby-names"),
  lobbyMore: byId("lobby-more"),
  lobbyEmpty: byId("lobby-empty"),
  round: byId("round"),
  winner: byId("winner"),
  winnerName: byId("winner-name"),
  order: byId<HTMLOListElement>("order"),
  orderEmpty: byId("order-empty"),
  orderMore: byId("order-more"),
  falseStarts: byId("false-starts"),
  roundLabel: byId("round-label"),
  playerCount: byId("player-count"),
  teamsBox: byId("teams-box"),
  teams: byId<HTMLOListElement>("teams"),
  playersTitle: byId("players-title"),
  scores: byId<HTMLOListElement>("scores"),
  scoresEmpty: byId("scores-empty"),
};

/** Shows the phase line: its colour (`data-phase`) and its words. */
export function setPhase(phase: string, text: string): void {
  ui.phase.dataset.phase = phase;
  if (ui.phase.textContent !== text) ui.phase.textContent = text;
}

/** Draws everything but the phase's countdown, which the page runs itself; null clears the room. */
export function renderRoom(view: RoomView | null): void {
  const lobby = view !== null && isLobby(view);
  ui.lobby.hidden = !lobby;
  ui.round.hidden = lobby;
  if (view?.phase === "open") {
    setPhase("open", lobby ? "Waiting for the first buzz" : view.order.length ? "Open" : "GO!");
  } else if (view?.phase === "locked") {
    setPhase("locked", lobby ? "Join now" : view.order.length ? "Locked" : quietLockLabel(view.lockedBy));
  }
  const unhosted = view !== null && !view.hosted;
  ui.hostNote.hidden = !unhosted;
  if (unhosted) {
    ui.hostNote.textContent =
      view.room === DEFAULT_ROOM ? "No host yet: the first buzz wins" : "No host connected";
  }
  if (lobby) renderLobby(view);
  else renderRound(view);
  renderBoard(view);
}

function renderLobby(view: RoomView): void {
  // The names include those away (greyed), as after a restart before the phones are back: counted apart.
  const away = view.offlineCount ?? 0;
  ui.lobbyCount.textContent = `· ${teamSize(view.playerCount, away)}`;
  const names = view.players.slice(0, LOBBY_SHOWN).map((p) => h("li", p.connected ? "" : "away", p.name));
  ui.lobbyNames.replaceChildren(...names);
  ui.lobbyEmpty.hidden = names.length > 0;
  fitWithNote(ui.lobbyNames, ui.lobbyMore, view.playerCount + away, (rest) => `+ ${rest} more`);
}

function renderRound(view: RoomView | null): void {
  const order = view?.order ?? [];
  const winner = order[0];
  ui.winner.hidden = !winner;
  // The name alone is cut to fit: the marks after it stay whole, however long the name.
  ui.winnerName.replaceChildren(h("span", "who-name", winner?.name ?? ""));
  if (order[1]?.photo) ui.winnerName.append(h("span", "badge", "photo finish"));
  if (winner?.judged) ui.winnerName.append(judgedBadge(winner.judged));
  ui.orderEmpty.hidden = order.length > 0;
  ui.roundLabel.textContent = view ? `· round ${view.round}` : "";
  ui.playerCount.textContent = view ? `· ${playersLabel(view.playerCount)}` : "";
  // The false starts take room from the order, so they are shown before it is fitted.
  // A press after the round closed was slow, not early: the room is shown only the false starts.
  const out = view?.players.filter((p) => p.lockedOut && !p.late) ?? [];
  const named = out.slice(0, FALSE_STARTS_SHOWN).map((p) => p.name);
  const rest = out.length - named.length;
  showNote(
    ui.falseStarts,
    out.length ? `False start: ${named.join(", ")}${rest ? ` + ${rest} more` : ""}` : "",
  );
  renderOrder(ui.order, order.slice(0, ORDER_SHOWN));
  // Every place large while they all fit; past that, the first few stay large and the rest go dense.
  ui.order.classList.remove("dense");
  ui.order.classList.toggle("dense", overflows(ui.order));
  // A viewer is sent the first VIEW.order places and the count of them all (placeCount).
  fitWithNote(ui.order, ui.orderMore, view?.placeCount ?? order.length, (rest) => `+ ${rest} more`);
}

function renderBoard(view: RoomView | null): void {
  const teams = view?.teams ?? [];
  const scores = view?.scores ?? [];
  ui.teamsBox.hidden = teams.length === 0;
  ui.playersTitle.hidden = teams.length === 0;
  renderTeams(ui.teams, teams, TEAMS_SHOWN);
  // A board of zeros says nothing: it waits for the first points.
  const scored = scores.some((s) => s.points !== 0);
  renderScores(ui.scores, scored ? scores : [], SCORES_SHOWN);
  ui.scoresEmpty.hidden = scored;
  trimToFit(ui.scores);
}

/**
 * Shows the first items of a list that fit, and a note counting the rest of `total`. The note
 * takes room from the list, so the list is trimmed again once the note shows.
 */
function fitWithNote(
  list: HTMLElement,
  note: HTMLElement,
  total: number,
  say: (rest: number) => string,
): void {
  showNote(note, total > list.children.length ? say(total - list.children.length) : "");
  const shown = trimToFit(list);
  showNote(note, total > shown ? say(total - shown) : "");
  if (trimToFit(list) < shown) showNote(note, say(total - list.children.length));
}
