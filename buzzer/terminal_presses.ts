/**
 * The terminal player's presses: which still wait for an answer, which rounds are answered, and why
 * a press is held back rather than sent. Pure: the client feeds it keys and what the server says.
 */
import type { PressFate } from "./press_fate.ts";
import type { ErrorCode, RoomView } from "./protocol.ts";

const ALREADY = "Already buzzed this round";
const NOT_CONNECTED = "Not connected: the buzz goes out on reconnect";

/** What a press comes to: whether the buzz goes out, and a line to say first (null: nothing). */
export interface PressStep {
  send: boolean;
  say: string | null;
}

/** A player's presses across rounds and reconnects, so each is sent once and each answer told once. */
export class Presses {
  /** Buzzes sent that have no verdict or error yet. */
  private awaited = 0;
  /** Rounds whose verdict was printed: a resume sends it again, which is no news. */
  private readonly told = new Set<number>();
  /** The round a teammate answered for us (TEAM_ANSWERED): pressing again cannot change it. */
  private answered = 0;
  /** A press waits in the session's queue for the next join (at most one does). */
  private queued = false;
  /** The last line that said why a press was not sent, so a held key says it once. */
  private noted: string | null = null;

  /** How many buzzes sent still wait for their verdict or error. */
  get awaiting(): number {
    return this.awaited;
  }

  /** A press of the buzz key in `view`, `joined` or not, once `welcomed` (before the first welcome, nothing is said). */
  press(view: RoomView | null, joined: boolean, welcomed: boolean): PressStep {
    const held = this.held(view, joined);
    if (held) {
      // A held space bar repeats: one line says why, not one per key.
      const say = held !== this.noted ? held : null;
      this.noted = held;
      return { send: false, say };
    }
    this.queued = !joined;
    this.noted = welcomed && this.queued ? NOT_CONNECTED : null;
    this.awaited++;
    return { send: true, say: this.noted };
  }

  /**
   * Why a press would change nothing, so is not sent (null: send it): a buzz is on its way or
   * queued, or this round has already answered it. The server would only repeat its answer, and a
   * key held down would flood it into closing the connection.
   */
  private held(view: RoomView | null, joined: boolean): string | null {
    if (this.awaited > 0) return joined ? ALREADY : NOT_CONNECTED;
    if (!view) return null;
    if (this.told.has(view.round)) return ALREADY;
    if (view.lockedOut) return "Locked out of this round";
    if (this.answered === view.round) return "Your team has answered this round";
    return null;
  }

  /** A verdict for `round`; returns whether it is news (a resume repeats one already told). */
  verdict(round: number): boolean {
    if (this.awaited === 0 && this.told.has(round)) return false;
    this.awaited = Math.max(0, this.awaited - 1);
    this.told.add(round);
    return true;
  }

  /**
   * A refusal while joined, in the round the view shows (undefined: no view yet), of a press made in
   * round `answers` (null: not known). One made in an earlier round was no longer awaited: the new
   * round stopped waiting for it, and a press made since still waits for its own answer.
   */
  refused(code: ErrorCode, round: number | undefined, answers: number | null = null): void {
    if (answers !== null && round !== undefined && answers < round) return;
    this.awaited = Math.max(0, this.awaited - 1);
    if (code === "TEAM_ANSWERED" && round !== undefined) this.answered = round;
  }

  /** Joined again: a queued press went out with the join; one lost with the old connection has its fate told after. */
  connected(): void {
    this.awaited = this.queued ? 1 : 0;
    this.queued = false;
  }

  /** What became of a press lost with the connection: a recorded one not yet told is awaited again. */
  fate({ fate, round }: PressFate): void {
    if (fate === "pending" || fate === "placed") this.awaited = 1;
    if (fate === "answered") this.answered = round;
  }

  /** A new round takes a new first press, even if an answer to the last one was lost on the way. */
  newRound(): void {
    this.awaited = 0;
    this.noted = null;
    this.told.clear();
    this.answered = 0;
  }
}
