/**
 * What crosses the bus between gateways (which hold sockets) and owners (which decide rooms):
 * commands in, effects out. Closed unions: every kind is listed here and handled exhaustively.
 */
import type { Link } from "../fair.ts";
import type { Entry } from "../journal.ts";
import type { ClientMessage, ErrorCode, ErrorDetail, ServerMessage } from "../protocol.ts";
import type { Claim, FairnessRecord } from "./records.ts";

/** A connection, named by its gateway: unique across every gateway on the bus. */
export type ConnId = string;

/** The host's messages: the client messages only a room's host may send. */
export type HostMessage = Exclude<ClientMessage, { type: "join" | "buzz" | "pong" | "sync" }>;

/** Who in a room a published message is for. */
export type Audience = "players" | "staff";

/** What a gateway asks of a room's owner. */
export type RoomCommand =
  /** Enter a room as a player, a host (with `secret`) or a viewer (`watch`); `plain` for the original's clients. */
  | {
      type: "join";
      conn: ConnId;
      room: string;
      name?: string;
      token?: string;
      secret?: string;
      watch?: boolean;
      plain?: boolean;
      /** The team a new player joins (see protocol.ts join). */
      team?: string;
      /** The connection's link as measured so far (probing starts when it opens). */
      link: Link | null;
      /** Whether the connection's address may add one more player now (per-address admission). */
      mayAdd: boolean;
      /** The connection's address (a new room counts against it). */
      address: string;
    }
  /** A press, already bounded by the gateway that received it (see fair.ts). */
  | { type: "buzz"; conn: ConnId; room: string; claim: Claim }
  /**
   * A player's link, measured on connection `conn`, changed: the decision window waits for the
   * slowest who could still buzz. One measured on a connection the player has left is not its link.
   */
  | { type: "link"; conn: ConnId; room: string; player: string; link: Link }
  /**
   * The longest link among a gateway's connections that have not joined yet, and whether one of them
   * could not be measured (see Room.prospects).
   */
  | { type: "prospects"; room: string; gateway: string; link: Link | null; unmeasured: boolean }
  /**
   * A connection closed: a player's, or a host's or viewer's (`player` null). `gone`: its gateway
   * was found gone (bus/gateway_watch.ts), so its socket may yet be open there: a plain player is
   * kept, away, as it cannot come back by token.
   */
  | { type: "leave"; conn: ConnId; room: string; player: string | null; gone?: true }
  /** After a takeover: a connection still open on a gateway is in the room again (see RedisBus); `host` for a host's. */
  | { type: "rebind"; conn: ConnId; room: string; player: string | null; host?: boolean }
  /** A client missed a delta: send it a fresh snapshot (a player's, or a host's or viewer's). */
  | { type: "sync"; conn: ConnId; room: string; player: string | null }
  /**
   * A host action; `conn` is null for the server's own terminal. `seq`: the forwarding gateway keeps
   * it until told it was handled (bus/redelivery.ts), and names it so in `handled`.
   */
  | { type: "host"; conn: ConnId | null; room: string; action: HostMessage; seq?: number }
  /** The server's own terminal takes (`on`) or gives up running the room by keys: a host while it does. */
  | { type: "terminal"; room: string; on: boolean };

/** What an owner asks of the gateways: only these cross the bus. */
export type GatewayEffect =
  /** Send a message to one connection (a plain-text one gets the verdict's or error's text). */
  | { type: "send"; conn: ConnId; msg: ServerMessage }
  /** The connection is now in a room: as `player` (an id), or as a host or viewer (null). */
  | { type: "bind"; conn: ConnId; room: string; player: string | null; host: boolean; added: boolean }
  /** A refusal for one connection (with its detail, as the error says it); the gateway also counts wrong secrets against its address. */
  | ({ type: "error"; conn: ConnId; code: ErrorCode; message: string } & ErrorDetail)
  /** Close one connection (kicked, replaced by a resume): the owner has let it go already. */
  | { type: "close"; conn: ConnId; code: number; reason: string }
  /** A message for everyone in a room: its players, or its hosts and viewers. */
  | { type: "publish"; room: string; audience: Audience; msg: ServerMessage }
  /** An armed round opens at `at` (owner's clock): each gateway tells each client on the client's clock. */
  | { type: "release"; room: string; round: number; at: number }
  /** The host action `seq` from `conn` was carried out (or found to change nothing), its journal entries written. */
  | { type: "handled"; conn: ConnId; seq: number }
  /** A new owner took the room over: gateways tell it which of their connections are in it. */
  | { type: "adopted"; room: string }
  /**
   * Redis is back for this process: its gateway tells every room's owner which of its connections
   * are in it (an owner may have counted them gone meanwhile, bus/gateway_watch.ts).
   */
  | { type: "relinked" }
  /** Redis lost every room's journal: gateways close every connection in a room, so its client joins again. */
  | { type: "dataLost" };

/** What an owner does itself with an engine's results: persist, record, log, wake. */
export type OwnerEffect =
  /** Written to the journal before any other effect of the same step leaves. */
  | { type: "persist"; entries: Entry[] }
  /** A batch of placed presses, one effect per batch: a burst places thousands at once. */
  | { type: "records"; records: FairnessRecord[] }
  | { type: "log"; line: string }
  /** Call the engine with a tick at `at` (the earliest of settle, release and publish), or never. */
  | { type: "wake"; at: number | null };

/** Everything an engine step can produce. */
export type RoomEffect = GatewayEffect | OwnerEffect;
