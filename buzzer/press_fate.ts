/**
 * What became of a press whose answer was lost with its connection: the snapshot after the rejoin
 * says whether the room recorded it, and the words every front end tells the player. Pure.
 */
import type { Phase, PressStanding, RoomView } from "./protocol.ts";

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
