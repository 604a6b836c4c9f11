/**
 * The terminal buzzer client: keys in; verdicts, the room's order and a status line out, over a
 * reconnecting session. Players buzz with space; a host (with the room's secret) runs the rounds.
 */
import { awayText, falseStartText, lockoutWords, takenText } from "./format.ts";
import { HOST_KEYS, hostKey, type Kick } from "./host_keys.ts";
import type { PressFate } from "./press_fate.ts";
import type { RoomView, ServerMessage } from "./protocol.ts";
import { type Feed, feedState, NEW_FEED, seconds } from "./room_feed.ts";
import { Session, type SessionStatus, TRANSIENT_JOIN_ERRORS } from "./session.ts";
import { CTRL_C, palette, readKeys, type Screen, screen, useColour } from "./terminal.ts";
import { Countdown } from "./terminal_countdown.ts";
import { goneLine, retryLine, statusLine } from "./terminal_lines.ts";
import { Presses } from "./terminal_presses.ts";

/** Who to be and where: the program (for error lines), the server, a name, a room, a host secret. */
export interface ClientConfig {
  program: string;
  url: string;
  name?: string;
  room?: string;
  /** Given: host the room instead of playing in it. */
  secret?: string;
}

/** How long piped input waits, once it ends, for the answers to its buzzes. */
const DRAIN_MS = 3000;
/** A quiet room's players are sent an `alive` every 3 s (gateway/keepalive.ts): this long without a word means the link is dead. Hosts hear nothing in a quiet room. */
const SILENCE_MS = 7000;

const PLAYER_KEYS = "Press space to buzz, q to quit";
/** The status line's last result after a lockout, either way (format.ts lockoutWords). */
const LOCKOUTS = new Set([lockoutWords("early"), lockoutWords("late")]);

/** Runs the client until the user quits (exit 0) or the server refuses it for good (exit 1). */
export function runClient(config: ClientConfig): void {
  new TerminalClient(config).start();
}

class TerminalClient {
  private readonly host: boolean;
  private readonly tty = !!process.stdin.isTTY;
  private readonly colour = palette(useColour());
  private readonly screen: Screen;
  private readonly session: Session;
  private stopKeys = () => {};
  private feed: Feed = NEW_FEED;
  private view: RoomView | null = null;
  private me = "";
  /** The player's id, to tell its own place in the order. */
  private myId = "";
  /** The connection's state for the status line, empty while joined. */
  private link = "";
  /** Your last result for the status line. */
  private last = "";
  private welcomed = false;
  private readonly presses = new Presses();
  /** The player's number being typed after `k` (null: not kicking). */
  private kicking: Kick | null = null;
  private readonly countdown: Countdown;
  private inputEnded = false;
  /** The last join was refused for now (the session joins again later): said, and not yet undone. */
  private refused = false;
  private quitting = false;

  constructor(private readonly config: ClientConfig) {
    this.host = config.secret !== undefined;
    this.screen = screen(process.stdout, this.colour.dim);
    this.countdown = new Countdown((line) => this.say(line), this.colour.bold(this.colour.green("GO!")));
    this.session = new Session({
      url: config.url,
      join: { name: config.name, room: config.room, secret: config.secret },
      onMessage: (msg, answers) => this.message(msg, answers ?? null),
      onStatus: (status) => this.status(status),
      onPressFate: (fate) => this.pressFate(fate),
      silence: this.host ? 0 : SILENCE_MS,
    });
  }

  start(): void {
    // Keys first: Ctrl+C and q must work even while the server cannot be reached.
    this.stopKeys = readKeys(
      (key, at) => this.key(key, at),
      () => this.endOfInput(),
    );
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void this.quit(0));
    this.session.start();
  }

  private key(key: string, at: number): void {
    if (key === CTRL_C || key === "q") return void this.quit(0);
    if (this.host) return this.hostKey(key);
    // In a pipe every space or newline is a press; on a terminal only the space bar.
    if (key !== " " && (this.tty || key !== "\n")) return;
    const { send, say } = this.presses.press(this.view, this.session.isJoined, this.welcomed);
    if (say) this.say(say);
    if (send) this.session.buzz(at);
  }

  private hostKey(key: string): void {
    const step = hostKey(key, this.kicking, this.view, this.feed.roster);
    this.kicking = step.kick;
    if (step.say) this.say(step.say);
    if (step.send) this.session.send(step.send);
    this.redraw();
  }

  private message(msg: ServerMessage, answers: number | null): void {
    switch (msg.type) {
      case "welcome":
        // A welcome on the same connection is the host renaming us; on a new one, a resume.
        if (this.welcomed && this.session.isJoined) this.say(`The host renamed you ${msg.name}`);
        else if (this.welcomed) this.say("Reconnected");
        else {
          this.say(msg.host ? `Hosting room ${msg.room}` : `Joined room ${msg.room} as ${msg.name}`);
          if (this.tty) this.say(this.colour.dim(this.host ? HOST_KEYS : PLAYER_KEYS));
        }
        if (msg.taken) this.say(takenText(msg.taken, msg.name, msg.room));
        if (msg.away) this.say(awayText(msg.away, msg.name, msg.room));
        // A new id for our token: a server that forgot us (restarted without its game), whose
        // rounds are new even where their numbers are not: nothing said or pressed carries over.
        if (this.myId && msg.id !== this.myId) {
          this.newRound();
          this.feed = NEW_FEED;
          this.view = null;
        }
        this.me = msg.name;
        this.myId = msg.id;
        this.welcomed = true;
        break;
      case "state":
        this.state(msg);
        break;
      case "verdict":
        if (!this.presses.verdict(msg.round)) return;
        this.last = msg.text;
        this.say((msg.place === 1 ? this.colour.green : this.colour.yellow)(`Received: ${msg.text}`));
        break;
      case "error":
        this.say(this.colour.red(`Error: ${msg.message}`));
        if (!this.session.isJoined) {
          // A bad name, room code or secret does not get better by retrying; the session retries
          // the rest, unless piped input has ended: then nothing is left to wait for.
          if (!TRANSIENT_JOIN_ERRORS.has(msg.code) || this.inputEnded) return void this.quit(1);
          this.refused = true;
          break;
        }
        this.presses.refused(msg.code, this.view?.round, answers);
        if (msg.code === "FALSE_START") this.last = lockoutWords(msg.falseStart ?? "early");
        // The session's next state says so too; until then, further presses would be refused the same way.
        if ((msg.code === "FALSE_START" || msg.code === "LOCKED_OUT") && this.view) {
          this.view = { ...this.view, lockedOut: true };
        }
        break;
      case "release":
        this.countdown.start(msg.round, msg.at !== undefined ? msg.at - performance.now() : msg.countdown);
        return;
      case "ping":
      case "alive":
      case "log":
      // The session hands a score on as the state it leads to (its `you`), said by the feed.
      case "score":
        return;
    }
    this.redraw();
    this.quitIfDrained();
  }

  private state(view: RoomView): void {
    if (this.view && view.round !== this.view.round) this.newRound();
    // The host forgave the false start: the status line no longer says it.
    else if (this.view?.lockedOut && view.lockedOut === false && LOCKOUTS.has(this.last)) this.last = "";
    // A false start this client did not see (it started again since): said as its refusal said it.
    if (view.falseStart && this.last === "") {
      this.last = lockoutWords(view.falseStart);
      this.say(this.colour.red(`Error: ${falseStartText(view.falseStart)}`));
    }
    this.view = view;
    const { feed, lines } = feedState(this.feed, view, this.host, this.myId);
    this.feed = feed;
    this.countdown.follow(view);
    for (const line of lines) this.say(line);
  }

  /**
   * A new round takes a new first press, even if an answer to the last one was lost on the way,
   * and the status line shows the new round's phase, not the last one's result.
   */
  private newRound(): void {
    this.presses.newRound();
    this.last = "";
  }

  private status(status: SessionStatus): void {
    switch (status.state) {
      case "connecting":
        this.link = "connecting…";
        break;
      case "connected":
        this.link = "";
        this.refused = false;
        this.presses.connected();
        break;
      case "retrying":
        this.link = `retrying in ${seconds(status.delay)}`;
        this.say(retryLine(this.config.url, status));
        break;
      case "gave up":
        this.say(this.colour.red(goneLine(status.code, status.reason)));
        return void this.quit(1);
    }
    this.redraw();
    this.quitIfDrained();
  }

  /** Says what became of a press lost with the connection. */
  private pressFate(fate: PressFate): void {
    this.presses.fate(fate);
    // A lockout was said already, in its refusal's words, from the snapshot's falseStart (see state).
    if (fate.fate !== "locked") this.say(fate.text);
    this.redraw();
  }

  private endOfInput(): void {
    this.inputEnded = true;
    // The refusal already said is the answer: waiting out a retry would only hide it.
    if (this.refused) return void this.quit(1);
    setTimeout(() => {
      if (this.quitting) return;
      process.stderr.write(
        `${this.config.program}: no answer from ${this.config.url} within ${DRAIN_MS / 1000}s\n`,
      );
      void this.quit(1);
    }, DRAIN_MS);
    this.quitIfDrained();
  }

  /**
   * Piped input has ended, the join was answered (a refusal, a wrong secret say, exits 1 on its
   * own) and everything the input asked for is sent and answered: done.
   */
  private quitIfDrained(): void {
    if (!this.inputEnded || !this.welcomed) return;
    if (this.presses.awaiting === 0 && this.session.queued === 0) void this.quit(0);
  }

  private async quit(code: number): Promise<void> {
    if (this.quitting) return;
    this.quitting = true;
    // The terminal is restored first, whatever happens to the connection.
    this.stopKeys();
    this.countdown.stop();
    this.screen.clear();
    await this.session.close();
    process.exit(code);
  }

  private say(line: string): void {
    this.screen.line(line);
  }

  private redraw(): void {
    const { view, host, me, last, kicking, link } = this;
    this.screen.status(statusLine({ view, host, me, last, kicking, link }));
  }
}
