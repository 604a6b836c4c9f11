/** Fakes for the gateway's unit tests: a recording bus, sockets, and a server that upgrades on request. */
import type { Server } from "bun";
import type { Bus } from "../../../buzzer/bus/local.ts";
import { MAX_COMPENSATION } from "../../../buzzer/fair.ts";
import { type Conn, Gateway, type GatewayOptions, type Socket } from "../../../buzzer/gateway/gateway.ts";
import type { GatewayEffect, RoomCommand } from "../../../buzzer/room/commands.ts";
import { FakeClock } from "../../fake_clock.ts";

export const START = 1000;

/** A bus that records commands and, like the local bus, may answer one at once with effects. */
export class FakeBus implements Bus {
  readonly commands: RoomCommand[] = [];
  gateway: Gateway | null = null;
  constructor(private readonly reply: (cmd: RoomCommand) => GatewayEffect[] = () => []) {}
  send(cmd: RoomCommand): void {
    this.commands.push(cmd);
    const effects = this.reply(cmd);
    if (effects.length) this.gateway?.deliver(effects);
  }
}

/** Binds every join at once, as the owner would: as host with the secret `right`, a viewer with `watch`, else as player `p-<conn>`. */
export function binder(cmd: RoomCommand): GatewayEffect[] {
  if (cmd.type !== "join") return [];
  const staff = cmd.secret === "right" || cmd.watch === true;
  return [
    {
      type: "bind",
      conn: cmd.conn,
      room: cmd.room,
      player: staff ? null : `p-${cmd.conn}`,
      host: cmd.secret === "right",
      added: !staff,
    },
  ];
}

/** A socket with just what the gateway uses, recording what is done to it. */
export class FakeSocket {
  readonly sent: string[] = [];
  readonly pings: Uint8Array[] = [];
  readonly topics: string[] = [];
  closed: { code?: number; reason?: string } | null = null;
  constructor(readonly data: Conn) {}
  send(message: string): number {
    this.sent.push(message);
    return message.length;
  }
  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
  }
  ping(data: Uint8Array): number {
    // Copied, as a real socket sends the bytes at once: the caller may write its buffer again.
    this.pings.push(data.slice());
    return data.byteLength;
  }
  subscribe(topic: string): void {
    this.topics.push(topic);
  }
  get ws(): Socket {
    return this as unknown as Socket;
  }
  /** The id the gateway gave this connection (at its first command to an owner). */
  get id(): string {
    if (this.data.id === null) throw new Error("this connection has no id yet");
    return this.data.id;
  }
  /** What was sent, JSON frames parsed. */
  get messages(): unknown[] {
    return this.sent.map((m) => (m.startsWith("{") ? JSON.parse(m) : m));
  }
}

/** A WebSocket upgrade request for `localhost:3000`, from a browser page at `origin` if given. */
export function upgradeRequest(origin?: string, host = "localhost:3000"): Request {
  const headers: Record<string, string> = { host, upgrade: "websocket", connection: "Upgrade" };
  if (origin !== undefined) headers.origin = origin;
  return new Request(`http://${host}/`, { headers });
}

/** A gateway on a FakeClock at START with a fake server; `opts` override its limits. */
export function setup(
  reply: (cmd: RoomCommand) => GatewayEffect[] = binder,
  opts: Partial<Omit<GatewayOptions, "clock" | "bus">> = {},
) {
  const clock = new FakeClock(START);
  const bus = new FakeBus(reply);
  const published: [string, string][] = [];
  const lines: string[] = [];
  let upgraded: Conn | null = null;
  let address = "10.0.0.1";
  /** Whether the next upgrades succeed (Bun's upgrade fails on a request that is not one). */
  const state = { upgrades: true };
  const server = {
    upgrade: (_req: Request, o: { data: Conn }) => {
      if (!state.upgrades) return false;
      upgraded = o.data;
      return true;
    },
    publish: (topic: string, data: string) => {
      published.push([topic, data]);
      return data.length;
    },
    requestIP: () => ({ address, family: "IPv4", port: 50000 }),
  } as unknown as Server<Conn>;
  const gateway = new Gateway({
    id: "g1",
    clock,
    bus,
    probeEvery: 2000,
    joinsPerAddress: { burst: 200, perSecond: 5 },
    maxConnections: 100,
    connectionsPerAddress: 50,
    maxCompensation: MAX_COMPENSATION,
    log: (line) => lines.push(line),
    ...opts,
  });
  bus.gateway = gateway;
  const handlers = gateway.websocket;

  /** What the gateway answers an upgrade request from `from`: a Response, or a socket it opened. */
  function request(from = "10.0.0.1", req = upgradeRequest()): Response | FakeSocket {
    address = from;
    const response = gateway.fetch(req, server);
    if (response) return response;
    if (!upgraded) throw new Error("the gateway neither answered nor upgraded");
    const socket = new FakeSocket(upgraded);
    upgraded = null;
    handlers.open?.(socket.ws);
    return socket;
  }
  /** Opens a connection from `from` the way Bun would: upgrade, then open. */
  function connect(from = "10.0.0.1"): FakeSocket {
    const socket = request(from);
    if (socket instanceof Response) throw new Error(`the gateway refused with ${socket.status}`);
    return socket;
  }
  const message = (socket: FakeSocket, text: string | Buffer<ArrayBuffer>) =>
    handlers.message?.(socket.ws, text);
  const json = (socket: FakeSocket, msg: unknown) => message(socket, JSON.stringify(msg));
  const close = (socket: FakeSocket, code = 1000) => handlers.close?.(socket.ws, code, "");
  const of = <T extends RoomCommand["type"]>(type: T) =>
    bus.commands.filter((c): c is Extract<RoomCommand, { type: T }> => c.type === type);
  return {
    clock,
    bus,
    gateway,
    server,
    state,
    published,
    lines,
    handlers,
    request,
    connect,
    message,
    json,
    close,
    of,
  };
}
