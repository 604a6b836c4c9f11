/**
 * The host console's sign-in: a room code and the host secret (a password field; never in the
 * URL, kept in sessionStorage only when asked), then a session that joins as host and rejoins
 * with the same secret after every reconnect.
 */
import { SECRETS_PER_ADDRESS } from "../limit.ts";
import { type ClientMessage, DEFAULT_ROOM, type ServerMessage } from "../protocol.ts";
import { Session, type SessionStatus } from "../session.ts";
import { byId, goneReason, pageSocketUrl, setConn, showStatus, validRoom, whenBack } from "./ui.ts";

const STORAGE_KEY = "buzzer:host";
/** Seconds to wait out a refusal for too many wrong secrets that does not say (`retryIn`): the allowance's pace. */
const SECRET_PACE = Math.ceil(1 / SECRETS_PER_ADDRESS.perSecond);

/** What signs a host in: the room's code and its secret. */
export interface Credentials {
  room: string;
  secret: string;
}

/** Where the sign-in reports what happens: the server's messages, showing the console, the session's status. */
export interface LoginOptions {
  /** Called with every server message once joined (and the welcome itself). */
  onMessage: (msg: ServerMessage) => void;
  /** Called when the console should show (joined) or hide (signed out, refused). */
  onJoined: (joined: boolean, room: string) => void;
  /** Called on every session status change. */
  onStatus?: (status: SessionStatus) => void;
}

function loadSaved(): Credentials | null {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? "null");
    return saved && typeof saved.room === "string" && typeof saved.secret === "string" ? saved : null;
  } catch {
    return null;
  }
}

/** Wires the page's `#login-form` (with `#room`, `#secret`, `#remember`, `#login-error`). */
export function hostLogin(opts: LoginOptions) {
  const form = byId<HTMLFormElement>("login-form");
  const roomInput = byId<HTMLInputElement>("room");
  const secretInput = byId<HTMLInputElement>("secret");
  const remember = byId<HTMLInputElement>("remember");
  const error = byId("login-error");
  const pill = byId("conn");
  let link: Session | null = null;
  let joined = false;
  let againTimer = 0;
  whenBack(() => link?.reconnectNow());

  const prefill = new URLSearchParams(location.search).get("room");
  roomInput.value = prefill && validRoom(prefill) ? prefill.toUpperCase() : DEFAULT_ROOM;

  const signOut = (message = "") => {
    clearTimeout(againTimer);
    const old = link;
    link = null;
    void old?.close();
    joined = false;
    secretInput.value = "";
    error.textContent = message;
    form.hidden = false;
    pill.hidden = true;
    opts.onJoined(false, roomInput.value);
    setConn(pill, "offline");
    (roomInput.value ? secretInput : roomInput).focus();
  };

  /**
   * Stops a sign-in the server refused for a while (too many wrong secrets from this address): its
   * message is shown on the sign-in form, with the secret kept, and the console tries again once
   * after the `retryIn` seconds the server said (or when the host presses the button).
   */
  const waitOut = (creds: Credentials, keep: boolean, message: string, retryIn = SECRET_PACE) => {
    roomInput.value = creds.room;
    signOut(`${message}. The console tries again by itself then.`);
    secretInput.value = creds.secret;
    againTimer = window.setTimeout(() => signIn(creds, keep), retryIn * 1000);
  };

  const signIn = (creds: Credentials, keep: boolean) => {
    clearTimeout(againTimer);
    void link?.close();
    error.textContent = "";
    pill.hidden = false;
    const current: Session = new Session({
      url: pageSocketUrl(),
      join: { room: creds.room, secret: creds.secret },
      onStatus: (status) => {
        if (link !== current) return;
        showStatus(pill, status);
        opts.onStatus?.(status);
        if (status.state === "gave up") signOut(`Disconnected: ${goneReason(status.code)}.`);
      },
      onMessage: (msg) => {
        if (link !== current) return;
        if (msg.type === "welcome") {
          if (!msg.host) return signOut("The server did not accept this as a host.");
          joined = true;
          form.hidden = true;
          if (keep) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(creds));
          else sessionStorage.removeItem(STORAGE_KEY);
          opts.onJoined(true, msg.room);
        } else if (msg.type === "error" && !joined && msg.code === "RATE_LIMITED") {
          return waitOut(creds, keep, msg.message, msg.retryIn);
        } else if (msg.type === "error" && !joined) {
          sessionStorage.removeItem(STORAGE_KEY);
          return signOut(msg.message);
        }
        opts.onMessage(msg);
      },
    });
    link = current;
    current.start();
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const room = roomInput.value.trim();
    const secret = secretInput.value;
    if (!validRoom(room)) {
      error.textContent = "The room code is 1 to 8 letters or digits.";
      roomInput.focus();
      return;
    }
    if (!secret) {
      error.textContent = "Enter the host secret.";
      secretInput.focus();
      return;
    }
    roomInput.value = room.toUpperCase();
    signIn({ room: room.toUpperCase(), secret }, remember.checked);
  });

  const saved = loadSaved();
  if (saved && validRoom(saved.room)) {
    roomInput.value = saved.room;
    remember.checked = true;
    form.hidden = true;
    signIn(saved, true);
  } else {
    (prefill ? secretInput : roomInput).focus();
  }

  return {
    /** Sends a host message if joined; returns whether it went out (nothing is kept for later). */
    send: (msg: ClientMessage) => link?.sendNow(msg) ?? false,
    signOut: () => {
      sessionStorage.removeItem(STORAGE_KEY);
      signOut();
    },
  };
}
