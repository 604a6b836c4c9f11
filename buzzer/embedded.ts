/**
 * The embedded buzzer: one owner and one gateway in this process, joined by the local bus. What
 * the server script and the in-process harnesses run; a Redis bus would join many of them.
 */
import type { Server } from "bun";
import { LocalBus } from "./bus/local.ts";
import { type Conn, Gateway, type GatewayOptions } from "./gateway/gateway.ts";
import type { HostMessage } from "./room/commands.ts";
import { Owner, type OwnerOptions } from "./room/owner.ts";

/** An owner and a gateway wired together; attach it to a Bun server to start probing. */
export function embedded(owner: OwnerOptions, gateway: Omit<GatewayOptions, "bus" | "clock" | "id">) {
  const rooms = new Owner(owner);
  const bus = new LocalBus(rooms);
  const sockets = new Gateway({ ...gateway, id: "g1", clock: owner.clock, bus });
  bus.attach(sockets);
  return {
    /** The most any player's link is compensated, in ms. */
    maxCompensation: gateway.maxCompensation,
    owner: rooms,
    gateway: sockets,
    /** Starts the gateway on its server, reached by the `host:port` forms in `allowed`. */
    attach: (server: Server<Conn>, allowed: ReadonlySet<string>) => sockets.attach(server, allowed),
    /** A host action from the server's own terminal. */
    host: (room: string, action: HostMessage) => rooms.hostKey(room, action),
    /** The server's own terminal takes (`on`) or gives up running a room by keys. */
    terminal: (room: string, on: boolean) => rooms.handle({ type: "terminal", room, on }),
    /** Stops every timer. */
    detach() {
      sockets.detach();
      rooms.detach();
    },
  };
}
