/**
 * The host console's search for players: the way to anyone past the first VIEW.players it lists (or
 * the places past VIEW.order). What is typed is sent as a `find`; the server's `found` shows in rows
 * made as the list's are (host_players.ts), with the player's place this round and right and wrong.
 */
import { type ClientMessage, LIMITS, type ServerMessage } from "../protocol.ts";
import { foundNote, foundSaid } from "./host_checks.ts";
import type { Judging } from "./host_judge.ts";
import { PlayerTable } from "./host_players.ts";
import { OneAtATime } from "./one_at_a_time.ts";
import { showNote } from "./ui.ts";

type Found = Extract<ServerMessage, { type: "found" }>;

/** The search box, its results and the note that counts them. */
export class FindBox {
  /** The rows of the results: the player list's own rows, in their own table body. */
  readonly table: PlayerTable;
  /** What the box holds now ("" for no search). */
  private query = "";
  /** One search out at a time, however fast the room changes; again once answered if it changed meanwhile. */
  private readonly asking = new OneAtATime();
  private total = 0;

  constructor(
    private readonly ui: {
      input: HTMLInputElement;
      body: HTMLTableSectionElement;
      /** The count over the results, out of the room. */
      note: HTMLElement;
      /** A live region that tells a screen reader the matches, only when they change. */
      said: HTMLElement;
    },
    private readonly send: (msg: ClientMessage) => boolean,
    judging: Judging,
    /** Called when a search starts or ends: the console shows the results or its list. */
    private readonly onActive: (active: boolean) => void,
  ) {
    this.table = new PlayerTable(ui.body, send, judging);
    ui.input.maxLength = LIMITS.query;
    // "search" is Escape clearing the box, in browsers that have it.
    for (const type of ["input", "search"]) ui.input.addEventListener(type, () => this.typed());
  }

  /** Whether the console shows a search's results rather than its list. */
  get active(): boolean {
    return this.query !== "";
  }

  /**
   * The room changed: the search runs again, so its rows are as current as the list beside them (a
   * kicked player goes, a new round's places clear, a player who joined since is found). Asked for
   * at most one at a time, a busy room costs one search per round trip, not one per change.
   */
  roomChanged(players: number): void {
    this.total = players;
    if (this.active) this.ask();
  }

  /** The connection dropped, or the server refused a command: a search out may get no answer, and the next state asks again. */
  unanswered(): void {
    this.asking.forget();
  }

  /** Shows the server's answer, if it is for what the box holds; asks again if that changed meanwhile. */
  onFound(msg: Found): void {
    const { show, again } = this.asking.answered(msg.query, this.query);
    if (show) this.show(msg);
    if (again) this.ask();
  }

  private typed(): void {
    const was = this.active;
    this.query = this.ui.input.value.trim();
    if (this.active && !was) showNote(this.ui.note, "Searching…");
    if (this.active) this.ask();
    else this.clear();
    if (this.active !== was) this.onActive(this.active);
  }

  private ask(): void {
    if (this.asking.ask() && this.send({ type: "find", query: this.query })) this.asking.sent(this.query);
  }

  private show(msg: Found): void {
    this.table.render(msg.players);
    this.ui.body.hidden = false;
    showNote(this.ui.note, foundNote(msg.players.length, msg.count, this.total));
    this.say(foundSaid(msg.players.length, msg.count));
  }

  private say(text: string): void {
    if (this.ui.said.textContent !== text) this.ui.said.textContent = text;
  }

  private clear(): void {
    this.table.render([]);
    this.ui.body.hidden = true;
    showNote(this.ui.note, "");
    this.say("");
  }
}
