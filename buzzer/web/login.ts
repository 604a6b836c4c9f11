/**
 * The host console's sign-in: a room code and the host secret (a password field; never in the
 * URL, kept in sessionStorage only when asked), then a link that joins as host and rejoins with
 * the same secret after every reconnect.
 */
import type { ServerMessage } from "../protocol.ts";
import { Link, type LinkStatus } from "./socket.ts";
import { byId, setConn, validRoom } from "./ui.ts";

const STORAGE_KEY = "buzzer:host";

export interface Credentials {
  room: string;
  secret: string;
}

export interface LoginOptions {
  /** Called with every server message once joined (and the welcome itself). */
  onMessage: (msg: ServerMessage) => void;
  /** Called when the console should show (joined) or hide (signed out, refused). */
  onJoined: (joined: boolean, room: string) => void;
  /** Called on every link status change. */
  onStatus?: (status: LinkStatus) => void;
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
  let link: Link | null = null;
  let joined = false;

  const prefill = new URLSearchParams(location.search).get("room");
  if (prefill && validRoom(prefill)) roomInput.value = prefill.toUpperCase();

  const signOut = (message = "") => {
    const old = link;
    link = null;
    old?.close();
    joined = false;
    secretInput.value = "";
    error.textContent = message;
    form.hidden = false;
    pill.hidden = true;
    opts.onJoined(false, roomInput.value);
    setConn(pill, "offline");
    (roomInput.value ? secretInput : roomInput).focus();
  };

  const signIn = (creds: Credentials, keep: boolean) => {
    link?.close();
    error.textContent = "";
    pill.hidden = false;
    const current: Link = new Link({
      join: () => ({ type: "join", room: creds.room, secret: creds.secret }),
      onStatus: (status, reason) => {
        if (link !== current) return;
        setConn(pill, status === "closed" ? "offline" : status);
        opts.onStatus?.(status);
        if (status === "closed" && reason) signOut(`Disconnected: ${reason}.`);
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
        } else if (msg.type === "error" && !joined && msg.code !== "RATE_LIMITED") {
          sessionStorage.removeItem(STORAGE_KEY);
          return signOut(msg.message);
        }
        opts.onMessage(msg);
      },
    });
    link = current;
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
    /** Sends a host message if connected; returns whether it went out. */
    send: (msg: Parameters<Link["send"]>[0]) => link?.send(msg) ?? false,
    signOut: () => {
      sessionStorage.removeItem(STORAGE_KEY);
      signOut();
    },
  };
}
