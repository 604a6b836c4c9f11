/**
 * The player page's join form and what it remembers: the name, team and resume token kept per
 * room, the token of a player the host banned from the room, and the room's existing teams
 * offered as the team field's suggestions.
 */
import { checkName } from "../names.ts";
import { encode, parseServer } from "../parse.ts";
import { LIMITS } from "../protocol.ts";
import { byId, h, pageSocketUrl } from "./ui.ts";

/** What a player page remembers of its player in one room. */
export interface Saved {
  name: string;
  team?: string;
  token?: string;
}

/** How long the join form waits for the room's teams before offering none. */
const TEAMS_WAIT = 5000;

function load(key: string): Saved | null {
  try {
    const saved = JSON.parse(localStorage.getItem(key) ?? "null");
    return saved && typeof saved.name === "string" ? saved : null;
  } catch {
    return null;
  }
}

function save(key: string, saved: Saved): void {
  try {
    localStorage.setItem(key, JSON.stringify(saved));
  } catch {
    // Private mode or full storage: identity then lasts as long as the page.
  }
}

/**
 * The names of a room's teams, asked once as a viewer (a player learns them only after joining);
 * none when the room is not open or the server does not answer in time.
 */
function roomTeams(room: string | undefined): Promise<string[]> {
  return new Promise((resolve) => {
    const ws = new WebSocket(pageSocketUrl());
    const done = (teams: string[]) => {
      clearTimeout(timer);
      ws.close();
      resolve(teams);
    };
    const timer = setTimeout(() => done([]), TEAMS_WAIT);
    ws.addEventListener("open", () => ws.send(encode({ type: "join", room, watch: true })));
    ws.addEventListener("message", (event) => {
      const msg = parseServer(String(event.data));
      if (msg?.type === "state") done(msg.teams.map((t) => t.name));
      else if (msg?.type === "error") done([]);
    });
    ws.addEventListener("error", () => done([]));
  });
}

function offerTeams(list: HTMLDataListElement, teams: readonly string[]): void {
  list.replaceChildren(
    ...teams.map((name) => {
      const option = h("option");
      option.value = name;
      return option;
    }),
  );
}

/** The join form of one room (`room` undefined: the default room) and the player it remembers. */
export class JoinForm {
  private readonly form = byId<HTMLFormElement>("join-form");
  private readonly name = byId<HTMLInputElement>("name");
  private readonly team = byId<HTMLInputElement>("team");
  private readonly teams = byId<HTMLDataListElement>("team-list");
  private readonly error = byId("join-error");

  /** `join` is called with a checked name and team (undefined: none) when the form is sent. */
  constructor(
    private readonly room: string | undefined,
    private readonly join: (name: string, team?: string) => void,
  ) {
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
  }

  private get key(): string {
    return `buzzer:player:${this.room ?? "default"}`;
  }

  /** The player remembered for this room, if any. */
  get saved(): Saved | null {
    return load(this.key);
  }

  /** Remembers this room's player. */
  remember(saved: Saved): void {
    save(this.key, saved);
  }

  /**
   * The token of this browser's player the host banned from this room, if any: sent with every
   * later join, whatever the name, so the server refuses this browser under a new name too.
   */
  get bannedToken(): string | undefined {
    try {
      return localStorage.getItem(this.banKey) ?? undefined;
    } catch {
      return undefined;
    }
  }

  /** Keeps a banned player's token (see bannedToken). */
  rememberBan(token: string): void {
    try {
      localStorage.setItem(this.banKey, token);
    } catch {
      // Private mode or full storage: the ban then holds only by name, as for a new browser.
    }
  }

  /** Forgets the banned token: the server no longer knows it (a restart without its state). */
  forgetBan(): void {
    try {
      localStorage.removeItem(this.banKey);
    } catch {
      // Nothing was kept.
    }
  }

  private get banKey(): string {
    return `buzzer:banned:${this.room ?? "default"}`;
  }

  /** Forgets the resume token (the server no longer knows it), keeping the name and team to join again. */
  forgetToken(): void {
    const saved = this.saved;
    if (saved) this.remember({ name: saved.name, team: saved.team });
  }

  /** Shows the form with an error (or none), the remembered name and team, and the room's teams. */
  show(error = "", refill = false): void {
    this.form.hidden = false;
    this.error.textContent = error;
    const saved = this.saved;
    if (refill || !this.name.value) this.name.value = saved?.name ?? "";
    if (refill || !this.team.value) this.team.value = saved?.team ?? "";
    this.name.focus();
    void roomTeams(this.room).then((teams) => offerTeams(this.teams, teams));
  }

  hide(): void {
    this.form.hidden = true;
  }

  private submit(): void {
    const checked = checkName(this.name.value);
    if (!checked.ok) return this.refuse(this.name, checked.message);
    const team = this.team.value.trim() || undefined;
    if (team !== undefined && team.length > LIMITS.team) {
      return this.refuse(this.team, `The team name is at most ${LIMITS.team} characters.`);
    }
    const saved = this.saved;
    // A new name is a new player: the old token belongs to the old name.
    this.remember(saved?.name === checked.msg ? { ...saved, team } : { name: checked.msg, team });
    this.error.textContent = "";
    this.join(checked.msg, team);
  }

  private refuse(field: HTMLInputElement, message: string): void {
    this.error.textContent = message;
    field.focus();
  }
}
