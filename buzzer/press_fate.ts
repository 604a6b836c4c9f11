/**
 * What became of a press whose answer was lost with its connection: which press that is, whether the
 * snapshot after the rejoin shows it recorded, and the words every front end tells the player. Pure
 * (no clock, no sockets): the session feeds it what it sends and hears.
 */
import type { ErrorCode, Phase, PressStanding, RoomView, ServerMessage } from "./protocol.ts";

/** A press that went out on a connection lost before its answer came: the round and the player id it was sent in. */
export interface LostPress {
  round: number;
  player: string;
}

/**
 * A lost press's fate: recorded (as the snapshot's standing), `missing` (the round goes on without
 * it) or `ended` (the round it was in is over); `text` says it to the player.
 */
export interface PressFate {
  fate: PressStanding | "missing" | "ended";
  /** The round the press was in. */
  round: number;
  text: string;
}

const RECORDED: Record<PressStanding, string> = {
  pending: "Your press reached the server: waiting for its result.",
  placed: "Your press reached the server and was placed.",
  locked: "Your press reached the server: you are locked out of this round.",
  answered: "Your press reached the server: your team has answered this round.",
};

const NOT_SENT = "Your press did not reach the server before the connection dropped";

/** What a missing press means now: press again if the round is open, once it opens if armed. */
const MISSING: Record<Phase, string> = {
  open: `${NOT_SENT}: you may press again.`,
  armed: `${NOT_SENT}: press again once the round opens.`,
  locked: `${NOT_SENT}, and the round is not open now.`,
};

/**
 * The fate of `lost` from the first snapshot after the rejoin, which welcomed the client as `player`.
 * Another player id means a server that forgot this one (restarted without its game): its rounds are
 * not the one pressed in, whatever their numbers.
 */
export function pressFate(lost: LostPress, player: string, view: RoomView): PressFate {
  const { round } = lost;
  if (player !== lost.player || view.round !== round) {
    const text = `The connection dropped before your press in round ${round} was answered, and that round has ended.`;
    return { fate: "ended", round, text };
  }
  if (view.press) return { fate: view.press, round, text: RECORDED[view.press] };
  return { fate: "missing", round, text: MISSING[view.phase] };
}

/** Refusals that answer a buzz: with a verdict, the press is no longer on its way. */
const BUZZ_REFUSALS: readonly ErrorCode[] = [
  "FALSE_START",
  "LOCKED_OUT",
  "TEAM_ANSWERED",
  "ROUND_OVER",
  "NOT_PLAYER",
  "RATE_LIMITED",
];

/** Unanswered presses a session follows at most. */
const UNANSWERED_KEPT = 16;

/**
 * Follows a session's presses across its connections: which press each answer is for, and the one a
 * drop left unanswered, until a rejoin tells its fate. The server answers a connection's buzzes once
 * each (a verdict or a refusal), in the order they came: an answer is the oldest unanswered press's.
 * So a `ROUND_OVER` for a press made in the round before, whose buzz arrived after the next began,
 * is told apart from the answer to a press already made in the new round.
 */
export class LostPresses {
  /** Presses sent on this connection with no answer yet, oldest first (null: sent before the first snapshot, in no known round). */
  private readonly unanswered: (LostPress | null)[] = [];
  /** The newest press a lost connection left unanswered. */
  private lost: LostPress | null = null;

  /** A buzz went out in `view`'s round as `player`; a new press makes a lost one's fate no news. */
  sent(view: RoomView | null, player: string): void {
    this.lost = null;
    // A press before the first snapshot has no round to follow it in.
    this.unanswered.push(view && { round: view.round, player });
    // Every buzz is answered; a front end that kept pressing unanswered would still hold only a few.
    if (this.unanswered.length > UNANSWERED_KEPT) this.unanswered.shift();
  }

  /**
   * A message from the server, heard while `joined`: a verdict or a buzz's refusal answers the
   * oldest press. Returns the round that press was made in (null: it answers none, or one in no known round).
   */
  heard(msg: ServerMessage, joined: boolean): number | null {
    const answers =
      msg.type === "verdict" || (msg.type === "error" && joined && BUZZ_REFUSALS.includes(msg.code));
    return answers ? (this.unanswered.shift()?.round ?? null) : null;
  }

  /** The connection was lost: its answers, if they ever come, went with it; the next snapshot says what became of the newest press. */
  dropped(): void {
    const newest = this.unanswered.at(-1);
    if (newest) this.lost = newest;
    this.unanswered.length = 0;
  }

  /** The lost press's fate, once, from the first snapshot after a rejoin as `player`; null if none was lost. */
  fate(player: string, view: RoomView): PressFate | null {
    const lost = this.lost;
    this.lost = null;
    return lost && pressFate(lost, player, view);
  }
}
