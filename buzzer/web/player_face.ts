/** What the player's buzz button says, from everything the page knows. Pure: no DOM. */
import { falseStartText, markText } from "../format.ts";
import type { PressFate } from "../press_fate.ts";
import { type RoomView, VIEW } from "../protocol.ts";
import { gapLabel, ordinal } from "./words.ts";

/** This round's outcome for this player, as far as it is known. */
export type Result =
  | { kind: "pending" }
  | { kind: "placed"; place: number; gap: number; photo: boolean }
  | { kind: "out"; why: "FALSE_START" | "LOCKED_OUT" | "TEAM_ANSWERED"; message?: string };

/** Everything the button's face depends on. */
export interface FaceInput {
  online: boolean;
  joinedOnce: boolean;
  /** Why the page waits (a room not open yet), if it does. */
  waitingFor: string | null;
  view: RoomView | null;
  result: Result | null;
  /** Whether this round's countdown has run out on this page's clock. */
  released: boolean;
  /** Whether this page saw this round open, and it is locked now: a press is too late, not early. */
  closed: boolean;
  /** Seconds left of the countdown, while it runs. */
  count: string | undefined;
}

/** The button's state (its colour), its two lines, and what screen readers are told. */
export interface Face {
  state: string;
  big: string;
  small: string;
  said: string;
}

/** The face of the button for what is known now. */
export function face({
  online,
  joinedOnce,
  waitingFor,
  view,
  result,
  released,
  closed,
  count,
}: FaceInput): Face {
  if (!online || !view) {
    const small = waitingFor ?? (joinedOnce ? "Reconnecting…" : "Connecting…");
    const big = waitingFor ? "Waiting" : joinedOnce ? "Offline" : "…";
    return { state: joinedOnce ? "offline" : "connecting", big, small, said: small };
  }
  if (result?.kind === "placed" && result.place === 1) {
    // The winner's own verdict cannot know of a close second: the order that follows can.
    const photo = result.photo || view.order[1]?.photo === true;
    return {
      state: "first",
      big: "You were first!",
      small: photo ? "Photo finish" : "1st place",
      said: photo ? "You were first! Photo finish" : "You were first!",
    };
  }
  if (result?.kind === "placed") {
    const place = `${ordinal(result.place)} place`;
    return {
      state: "placed",
      big: gapLabel(result.gap),
      small: `${place}${result.photo ? " · photo finish" : ""}`,
      said: `${place}, ${gapLabel(result.gap)} behind the winner`,
    };
  }
  if (result?.kind === "out" && result.why === "TEAM_ANSWERED") {
    // The server's words name who buzzed for the team ("Ann buzzed first for team Cats").
    const small = result.message ? sentence(result.message) : "A teammate buzzed first";
    return { state: "team", big: "Team answered", small, said: `Team answered: ${small}` };
  }
  if (result?.kind === "out" || view.lockedOut === true) {
    const falseStart = result?.kind === "out" && result.why === "FALSE_START";
    // The refusal's words, or the same words again from the snapshot of a page reloaded since.
    const why = view.falseStart ? falseStartText(view.falseStart) : falseStart ? result.message : undefined;
    // The words say whether it was too early or too late (after the round had closed).
    if (why) return { state: "out", big: "Locked out", small: sentence(why), said: sentence(why) };
    const small = falseStart ? "False start" : "Wait for the next round";
    return { state: "out", big: "Locked out", small, said: `Locked out${falseStart ? ": false start" : ""}` };
  }
  if (result?.kind === "pending") {
    return { state: "pending", big: "Buzzed!", small: "Waiting for the result…", said: "Buzzed" };
  }
  if (view.phase === "open" || released)
    return { state: "open", big: "GO!", small: "Press now", said: "Go!" };
  if (view.phase === "armed")
    return { state: "armed", big: count ?? "…", small: "Get ready", said: "Get ready" };
  // Open and closed again: a press now costs nothing, it is too late (no warning about going early).
  if (closed)
    return { state: "closed", big: "Closed", small: "A press now is too late", said: "Buzzers closed" };
  return { state: "locked", big: "Wait", small: "Don't press yet", said: "Waiting for the host" };
}

/** Whether to warn that pressing now locks the player out: before GO, while nothing has been pressed. */
export function warnEarly(f: Face): boolean {
  return f.state === "locked" || f.state === "armed";
}

/** The line that says who runs the room: only when no host does. */
export function hostLine(view: RoomView | null, defaultRoom: boolean): string {
  if (!view || view.hosted) return "";
  return defaultRoom
    ? "No host yet — in the default room the first buzz wins"
    : "No host connected right now";
}

/**
 * The player's own place under the order, with the host's mark once it is given, when the top
 * places players are sent leave it out; else "".
 */
export function myPlace(result: Result | null, judged?: "right" | "wrong"): string {
  if (result?.kind !== "placed" || result.place <= VIEW.top) return "";
  const photo = result.photo ? " · photo finish" : "";
  const mark = judged ? ` · ${markText(judged)}` : "";
  return `… ${ordinal(result.place)}: you ${gapLabel(result.gap)}${photo}${mark}`;
}

/**
 * This round's outcome after a press's answer was lost with the connection: a recorded press shows
 * on the button (a placed one's verdict follows, a lockout is the snapshot's); one the room did not
 * record, or one of a round that has ended, leaves the button live again.
 */
export function resultAfter({ fate }: PressFate): Result | null {
  if (fate === "pending" || fate === "placed") return { kind: "pending" };
  if (fate === "answered") return { kind: "out", why: "TEAM_ANSWERED" };
  return null;
}

/**
 * This round's result after a refusal that takes no place (`ROUND_OVER`, `RATE_LIMITED`) of a press
 * made in round `answers` (null: not known): a pending press of this round (`round`) is answered, and
 * the button is live again; the refusal of a press made in an earlier round, whose buzz arrived after
 * this one began, leaves this round's press waiting for its own answer.
 */
export function resultAfterRefusal(
  result: Result | null,
  answers: number | null,
  round: number | undefined,
): Result | null {
  return result?.kind === "pending" && (answers === null || answers === round) ? null : result;
}

/** The sentence a banned player reads, after the kick and on any later try to join the room. */
export function bannedLine(room: string): string {
  return `The host removed you from room ${room}: you cannot join it again.`;
}

/** A server message as a sentence of the page: capitalised (its end is left as the server wrote it). */
function sentence(message: string): string {
  return `${message[0]?.toUpperCase() ?? ""}${message.slice(1)}`;
}
