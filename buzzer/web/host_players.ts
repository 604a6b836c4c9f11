/**
 * The host console's player list: who is online (a connection-quality dot, the numbers on hover),
 * their team, points and false start, and the moderation a host needs (forgive, points, rename,
 * kick with an optional ban, remove offline players). Rows are kept by player id and updated in
 * place, so nothing moves or is replaced under the mouse or a field being typed in. A search's
 * results are the same rows, with the player's place this round and its right and wrong buttons.
 */
import {
  type ClientMessage,
  type FoundPlayer,
  LIMITS,
  type PlaceView,
  type PlayerView,
} from "../protocol.ts";
import {
  nameProblem,
  pointsProblem,
  pruneCount,
  pruneQuestion,
  pruneStaying,
  quality,
  qualityTitle,
} from "./host_checks.ts";
import { ask } from "./host_dialog.ts";
import type { JudgeButtons, Judging } from "./host_judge.ts";
import { h } from "./ui.ts";
import { ordinal } from "./words.ts";

interface Row {
  tr: HTMLTableRowElement;
  dot: HTMLSpanElement;
  name: HTMLSpanElement;
  status: HTMLSpanElement;
  offline: HTMLSpanElement;
  out: HTMLSpanElement;
  place: HTMLSpanElement;
  judge: JudgeButtons;
  team: HTMLInputElement;
  points: HTMLTableCellElement;
  forgive: HTMLButtonElement;
  award: HTMLButtonElement;
  rename: HTMLButtonElement;
  kick: HTMLButtonElement;
  player: FoundPlayer;
}

function button(text: string, label: string, className = "small"): HTMLButtonElement {
  const b = h("button", className, text);
  b.type = "button";
  b.setAttribute("aria-label", label);
  return b;
}

/** How long a rename waits for the server's answer before the dialog closes anyway, in ms. */
const RENAME_WAIT = 5000;

/** The player table, kept in step with each state the console receives. */
export class PlayerTable {
  private readonly rows = new Map<string, Row>();
  private shown: readonly FoundPlayer[] = [];
  /** A rename sent and not yet answered: the player, its name before, and where the answer goes. */
  private renaming: { id: string; before: string; done: (refused: string) => void } | null = null;

  constructor(
    private readonly body: HTMLTableSectionElement,
    private readonly send: (msg: ClientMessage) => boolean,
    private readonly judging: Judging,
  ) {}

  /** Shows `players` in the server's order, reusing each player's row. */
  render(players: readonly FoundPlayer[]): void {
    this.shown = players;
    // Renamed, or gone from the rows (renamed out of a search's results, or kicked): the wait is over.
    const waiting = this.renaming;
    const renamed = waiting && players.find((p) => p.id === waiting.id);
    if (waiting && renamed?.name !== waiting.before) this.answer("");
    const seen = new Set(players.map((p) => p.id));
    // The rows that go are taken out first: placed around them, every row after one would be moved,
    // and a moved row loses the focus of a field being typed in (and the hover of a button).
    for (const [id, row] of this.rows) {
      if (seen.has(id)) continue;
      row.tr.remove();
      this.rows.delete(id);
    }
    players.forEach((p, i) => {
      const row = this.rows.get(p.id) ?? this.create(p);
      this.update(row, p);
      if (this.body.children[i] !== row.tr) this.body.insertBefore(row.tr, this.body.children[i] ?? null);
    });
  }

  /**
   * Takes the server's refusal as the answer to a rename waiting for one (shown in its dialog);
   * returns false when no rename waits, for the console to show the error itself.
   */
  refused(message: string): boolean {
    if (!this.renaming) return false;
    this.answer(`${message[0]?.toUpperCase() ?? ""}${message.slice(1)}.`);
    return true;
  }

  private answer(refused: string): void {
    const waiting = this.renaming;
    this.renaming = null;
    waiting?.done(refused);
  }

  /**
   * Asks to remove the room's `offline` players, saying how many go and how many who buzzed in the
   * round `order` stay (as the server decides), then asks the server to.
   */
  async prune(offline: number, order: readonly PlaceView[]): Promise<string> {
    const count = pruneCount(this.shown, order, offline);
    if (!count.gone) {
      return ["No offline players to remove now.", pruneStaying(count.staying)].filter(Boolean).join(" ");
    }
    const answer = await ask({
      ...pruneQuestion(count),
      confirm: `Remove ${count.gone}`,
      danger: true,
    });
    if (answer) this.send({ type: "prune" });
    return "";
  }

  private create(p: FoundPlayer): Row {
    const tr = h("tr");
    tr.dataset.player = p.id;
    const nameCell = h("td", "name");
    const dot = h("span", "conn-dot");
    const name = h("span", "player-name");
    const status = h("span", "visually-hidden");
    const offline = h("span", "badge offline");
    const out = h("span", "badge out");
    const place = h("span", "badge place");
    nameCell.append(dot, name, status, offline, out, place);
    const team = h("input", "team-input");
    team.type = "text";
    team.maxLength = LIMITS.team;
    team.placeholder = "no team";
    team.setAttribute("list", "team-names");
    team.autocomplete = "off";
    const teamCell = h("td", "team");
    teamCell.append(team);
    const points = h("td", "num points");
    const forgive = button("Forgive", "", "small go");
    const award = button("± Points", "");
    const rename = button("Rename", "");
    const kick = button("Kick", "", "small danger");
    const actions = h("td");
    const wrap = h("span", "row-actions");
    const judge = this.judging.buttons(tr, p);
    wrap.append(judge.el, forgive, award, rename, kick);
    actions.append(wrap);
    tr.append(nameCell, teamCell, points, actions);
    const row: Row = {
      tr,
      dot,
      name,
      status,
      offline,
      out,
      place,
      judge,
      team,
      points,
      forgive,
      award,
      rename,
      kick,
      player: p,
    };
    // Every action reads the row's player when clicked: the id never comes from where the mouse is later.
    forgive.addEventListener("click", () =>
      this.send({ type: "forgive", player: row.player.id, ...this.judging.inRound() }),
    );
    team.addEventListener("change", () => {
      const value = team.value.trim();
      this.send({ type: "team", player: row.player.id, team: value || null });
    });
    award.addEventListener("click", () => this.award(row.player));
    rename.addEventListener("click", () => this.rename(row.player));
    kick.addEventListener("click", () => this.kick(row.player));
    this.rows.set(p.id, row);
    return row;
  }

  private update(row: Row, p: FoundPlayer): void {
    row.player = p;
    row.tr.classList.toggle("offline", !p.connected);
    row.dot.dataset.quality = p.connected ? quality(p.rtt, p.jitter) : "offline";
    row.dot.title = qualityTitle(p);
    if (row.name.textContent !== p.name) row.name.textContent = p.name;
    row.status.textContent = p.connected ? " (connected)" : "";
    // Hidden badges are left empty too: the name cell's text is what is shown (and what tests read).
    row.offline.textContent = p.connected ? "" : "offline";
    row.offline.hidden = p.connected;
    row.out.textContent = p.lockedOut ? (p.late ? "too late" : "false start") : "";
    row.out.hidden = !p.lockedOut;
    row.forgive.hidden = !p.lockedOut;
    // Only a search's results carry a place: the list's rows have no answer to mark.
    row.place.textContent = p.place === undefined ? "" : `${ordinal(p.place)} this round`;
    row.place.hidden = p.place === undefined;
    row.judge.el.hidden = p.place === undefined;
    if (p.place !== undefined) row.judge.update(p);
    else delete row.tr.dataset.judged;
    // A press too late cost nothing: letting its player buzz again forgives no false start.
    row.forgive.setAttribute(
      "aria-label",
      p.late ? `Let ${p.name} buzz again` : `Forgive ${p.name}'s false start`,
    );
    row.award.setAttribute("aria-label", `Give ${p.name} points`);
    row.rename.setAttribute("aria-label", `Rename ${p.name}`);
    row.kick.setAttribute("aria-label", `Kick ${p.name}`);
    row.team.setAttribute("aria-label", `Team of ${p.name}`);
    if (document.activeElement !== row.team) row.team.value = p.team ?? "";
    row.points.textContent = String(p.points ?? 0);
  }

  private async kick(p: PlayerView): Promise<void> {
    const answer = await ask({
      title: `Kick ${p.name}?`,
      message: `${p.name} leaves the room now. Without a ban, they can join again; a ban keeps this name and this browser out.`,
      confirm: `Kick ${p.name}`,
      danger: true,
      ban: true,
    });
    if (!answer) return;
    this.send(answer.ban ? { type: "kick", player: p.id, ban: true } : { type: "kick", player: p.id });
  }

  /** Asks for a new name and keeps the dialog open until the server renames (or refuses, said there). */
  private async rename(p: PlayerView): Promise<void> {
    await ask({
      title: `Rename ${p.name}`,
      message: "Everyone sees the new name at once.",
      confirm: "Rename",
      field: { label: "New name", type: "text", value: p.name, check: nameProblem },
      act: ({ value }) => {
        if (value === p.name) return Promise.resolve("");
        this.answer("");
        if (!this.send({ type: "rename", player: p.id, name: value }))
          return Promise.resolve("Not connected.");
        return new Promise<string>((done) => {
          // A rename the server takes without a visible change (the same name, tidied) is not waited for.
          const timer = window.setTimeout(() => this.answer(""), RENAME_WAIT);
          this.renaming = {
            id: p.id,
            before: p.name,
            done: (refused) => {
              clearTimeout(timer);
              done(refused);
            },
          };
        });
      },
    });
    // Cancelled while waiting: a later refusal is the console's to show.
    this.answer("");
  }

  /** Asks for points and gives them; offline, the dialog stays open and says so (nothing is given). */
  private async award(p: PlayerView): Promise<void> {
    // One id for every try of this dialog's answer: a copy the server sends again (its room's owner
    // died) does not give the points twice.
    const id = awardId();
    await ask({
      title: `Points for ${p.name}`,
      message: `${p.name} has ${p.points ?? 0}. A negative number takes points away.`,
      confirm: "Give points",
      field: { label: "Points", type: "number", value: "1", check: pointsProblem },
      act: ({ value }) =>
        Promise.resolve(
          this.send({ type: "award", player: p.id, points: Number(value), id }) ? "" : "Not connected.",
        ),
    });
  }
}

/**
 * A fresh award id: 16 random hex digits. Not lib/secret.ts's randomHex: crypto.randomUUID exists
 * only on https or localhost pages, and a console on a hall's network is often plain http.
 */
function awardId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
}
