/** A newcomer from a chosen source address: a plain-text player who connects, buzzes once, reads the reply and leaves. */
import net from "node:net";
import { textFrame } from "../wire.ts";

/** The source address of the flooder and the honest players (Bun.connect cannot choose one: the kernel's). */
export const FLOOD_SOURCE = "127.0.0.1";
/** Another source address, for newcomers who share nothing with the flooder. */
export const OTHER_SOURCE = "127.0.0.2";

/** Joins from `source` (node:net can bind it) and resolves with the first text reply, or null after `ms`. */
export function joinFrom(source: string, host: string, port: number, ms: number): Promise<string | null> {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    let open = false;
    let done = false;
    const sock = net.connect({ host, port, localAddress: source }, () => {
      sock.setNoDelay(true);
      sock.write(
        `GET / HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
      );
    });
    const finish = (reply: string | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      // A masked close frame without a status, then the end of the connection.
      if (open) sock.end(new Uint8Array([0x88, 0x80, 0, 0, 0, 0]));
      else sock.destroy();
      resolve(reply);
    };
    const timer = setTimeout(() => finish(null), ms);
    sock.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (!open) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        if (!/^HTTP\/1\.1 101 /.test(buf.toString("latin1", 0, end))) return finish(null);
        open = true;
        buf = buf.subarray(end + 4);
        sock.write(textFrame("buzz"));
      }
      // Server frames are unmasked; the replies awaited here are short text frames.
      while (buf.length >= 2) {
        const opcode = (buf[0] as number) & 0x0f;
        let len = (buf[1] as number) & 0x7f;
        let head = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          head = 4;
        } else if (len === 127) return finish(null);
        if (buf.length < head + len) return;
        const payload = buf.subarray(head, head + len);
        buf = buf.subarray(head + len);
        if (opcode === 0x1) return finish(payload.toString("utf8"));
        if (opcode === 0x8) return finish(null);
      }
    });
    sock.on("error", () => finish(null));
    sock.on("close", () => finish(null));
  });
}
