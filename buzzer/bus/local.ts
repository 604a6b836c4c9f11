/**
 * The in-process bus, the embedded default: a gateway's commands are function calls on the owner,
 * and the owner's effects function calls on the gateway. It costs what the calls cost.
 */
import type { GatewayEffect, RoomCommand } from "../room/commands.ts";
import type { Owner } from "../room/owner.ts";

/** How a gateway reaches the owners of its rooms. */
export interface Bus {
  send(cmd: RoomCommand): void;
}

/** One owner and one gateway in one process. */
export class LocalBus implements Bus {
  constructor(private readonly owner: Owner) {}

  /** Routes the owner's effects to the gateway that holds the sockets. */
  attach(gateway: { deliver(effects: GatewayEffect[]): void }): void {
    this.owner.connect((effects) => gateway.deliver(effects));
  }

  /** Hands a command to the owner. */
  send(cmd: RoomCommand): void {
    this.owner.handle(cmd);
  }
}
