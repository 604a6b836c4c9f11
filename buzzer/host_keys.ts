/**
 * What a key does for the terminal host, pure: the round commands, and kicking by the number the
 * player list shows, typed in full and confirmed with Enter.
 */
import { type ClientMessage, COUNTDOWN_MS, type PlayerView, type RoomView } from "./protocol.ts";
import { seconds } from "./room_feed.ts";
import { nextQuestion } from "./view.ts";

/** The keys, as the host is told them once joined. */
export const HOST_KEYS = `Host keys: o open, c countdown ${seconds(COUNTDOWN_MS)}, l lock, n new round, x next question, k and a number then Enter kick, q quit`;

/** A kick being typed: the digits so far, and the player list they pick from as it stood at `k`. */
export interface Kick {
  readonly digits: string;
  readonly roster: readonly PlayerView[];
}

/** What a key leads to: the kick still being typed (null: none), a line to say, a message to send. */
export interface HostStep {
  kick: Kick | null;
  say?: string;
  send?: ClientMessage;
}

/** What Backspace sends in raw mode on most terminals (DEL), and on some (BS). */
const BACKSPACES = new Set(["\x7f", "\b"]);
/** Longer than any room's player list is numbered. */
const MAX_DIGITS = 3;

/** The step for one key, given the kick being typed, the room as last seen and the list as last printed. */
export function hostKey(
  key: string,
  kick: Kick | null,
  view: RoomView | null,
  roster: readonly PlayerView[] | null,
): HostStep {
  if (kick) return kickKey(key, kick, roster);
  switch (key) {
    case "o":
      if (view?.phase === "open") return { kick, say: `Round ${view.round} is open already` };
      return { kick, send: { type: "arm", round: view?.round } };
    case "c":
      return { kick, send: { type: "arm", countdown: COUNTDOWN_MS, round: view?.round } };
    case "l":
      if (view?.phase === "locked") return { kick, say: `Round ${view.round} is locked already` };
      return { kick, send: { type: "lock", round: view?.round } };
    // Each names the round it leaves: a key held down (auto-repeat) starts one round, not one per repeat.
    case "n":
      return { kick, send: { type: "reset", round: view?.round } };
    case "x":
      return { kick, send: nextQuestion(view) };
    case "k":
      return {
        kick: { digits: "", roster: roster ?? [] },
        say: "Kick: type the player's number, then Enter (Escape cancels)",
      };
  }
  return { kick };
}

/**
 * A key while kicking: digits build the number, Backspace takes one back, Enter kicks, anything
 * else cancels. Nothing is sent before Enter, so [1] is never kicked on the way to [10].
 */
function kickKey(key: string, kick: Kick, roster: readonly PlayerView[] | null): HostStep {
  if (/^[0-9]$/.test(key) && kick.digits.length < MAX_DIGITS) {
    return { kick: { ...kick, digits: kick.digits + key } };
  }
  if (BACKSPACES.has(key)) return { kick: { ...kick, digits: kick.digits.slice(0, -1) } };
  if ((key !== "\r" && key !== "\n") || kick.digits === "") return { kick: null, say: "Kick cancelled" };
  const number = Number(kick.digits);
  const player = kick.roster[number - 1];
  if (!player) return { kick: null, say: `No player [${number}] in the list` };
  // The list was reprinted while typing, with someone else at this number: ask again.
  if (roster?.[number - 1]?.id !== player.id) {
    return { kick: null, say: "The player list changed: kick cancelled, press k again" };
  }
  return { kick: null, say: `Kicking ${player.name}`, send: { type: "kick", player: player.id } };
}
