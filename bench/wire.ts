/**
 * A lean client side of RFC 6455 over Bun's raw TCP sockets, for the load generator: the
 * WebSocket API costs more per message than the servers it measures, this costs a frame parse.
 * Text frames only, no extensions (so no compression is negotiated with any server); answers pings.
 */
import type { Socket } from "bun";

/** The handshake key of RFC 6455 §1.3, and the accept value every server must answer it with. */
const KEY = "dGhlIHNhbXBsZSBub25jZQ==";
const ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

enum State {
  Connecting,
  Handshake,
  Open,
  Closing,
  Closed,
}

/** One client connection: send text, get each text reply through `onText`. */
export class WireConn {
  /** Called with every text message the server sends. */
  onText: (text: string) => void = () => {};
  /** Called once when the connection ends, with the close code (1006 when TCP ended without one). */
  onClose: (code: number) => void = () => {};
  /** The server's close code, once it has sent one. */
  closeCode: number | null = null;
  /** Bytes of the server's frames received so far, headers and payloads (the handshake response not counted). */
  bytesIn = 0;
  /** Resolves when the TCP connection has closed. */
  readonly closed: Promise<number>;
  state = State.Connecting;
  sock: Socket<WireConn> | null = null;
  rest: Buffer | null = null;
  queue: Uint8Array[] | null = null;
  opened: { resolve: (c: WireConn) => void; reject: (e: Error) => void } | null = null;
  private endClosed: (code: number) => void = () => {};

  constructor(
    readonly host: string,
    readonly port: number,
    /** Why the connection failed or misbehaved (protocol errors), for the load generator's report. */
    readonly onError: (message: string) => void,
  ) {
    this.closed = new Promise((resolve) => {
      this.endClosed = resolve;
    });
  }

  /** Whether the handshake is done and no close has started. */
  get isOpen(): boolean {
    return this.state === State.Open;
  }

  /** Sends one frame made by `textFrame` (frames can be shared between connections). */
  send(frame: Uint8Array): void {
    const sock = this.sock;
    if (!sock || this.state === State.Closed) return;
    if (this.queue) {
      this.queue.push(frame);
      return;
    }
    const n = sock.write(frame);
    // A short write keeps the rest for drain; the kernel buffer is rarely full with small frames.
    if (n < frame.length) this.queue = [frame.subarray(Math.max(0, n))];
  }

  /** Sends a text message. */
  sendText(text: string): void {
    this.send(textFrame(text));
  }

  /** Starts the close handshake (1000); resolves when the server has closed the TCP connection. */
  close(): Promise<number> {
    if (this.state === State.Open) {
      this.state = State.Closing;
      this.send(controlFrame(0x8, CLOSE_NORMAL));
    } else if (this.state !== State.Closing) this.sock?.end();
    return this.closed;
  }

  /** Drops the TCP connection without a close handshake. */
  drop(): void {
    this.sock?.terminate();
  }

  /** Marks the connection closed; runs once. */
  finish(code: number, why = `connection closed during the handshake (${code})`): void {
    if (this.state === State.Closed) return;
    const wasOpening = this.state < State.Open;
    this.state = State.Closed;
    if (wasOpening) this.opened?.reject(new Error(why));
    this.opened = null;
    this.onClose(code);
    this.endClosed(code);
  }
}

const CLOSE_NORMAL = new Uint8Array([0x03, 0xe8]);
const encoder = new TextEncoder();

/** A masked client text frame; the mask is fixed, which servers accept (they cannot tell). */
export function textFrame(text: string): Uint8Array {
  return frame(0x1, encoder.encode(text));
}

function controlFrame(opcode: number, payload: Uint8Array): Uint8Array {
  return frame(opcode, payload);
}

const MASK = [0x37, 0xfa, 0x21, 0x3d] as const;

function frame(opcode: number, payload: Uint8Array): Uint8Array {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const out = new Uint8Array(head + 4 + n);
  out[0] = 0x80 | opcode;
  if (n < 126) out[1] = 0x80 | n;
  else if (n < 65536) {
    out[1] = 0x80 | 126;
    out[2] = n >> 8;
    out[3] = n & 0xff;
  } else {
    out[1] = 0x80 | 127;
    new DataView(out.buffer).setBigUint64(2, BigInt(n));
  }
  out.set(MASK, head);
  for (let i = 0; i < n; i++) out[head + 4 + i] = (payload[i] as number) ^ (MASK[i & 3] as number);
  return out;
}

const HEADER_END = Buffer.from("\r\n\r\n");

function onData(sock: Socket<WireConn>, chunk: Buffer): void {
  const c = sock.data;
  let buf = c.rest ? Buffer.concat([c.rest, chunk]) : chunk;
  c.rest = null;
  if (c.state === State.Handshake) {
    const end = buf.indexOf(HEADER_END);
    if (end < 0) {
      c.rest = Buffer.from(buf);
      return;
    }
    const head = buf.toString("latin1", 0, end);
    if (!/^HTTP\/1\.1 101 /.test(head) || !head.includes(ACCEPT)) {
      c.finish(1006, `handshake refused: ${head.split("\r\n")[0]}`);
      sock.end();
      return;
    }
    c.state = State.Open;
    c.opened?.resolve(c);
    c.opened = null;
    buf = buf.subarray(end + 4);
  }
  let off = 0;
  while (buf.length - off >= 2) {
    const b0 = buf[off] as number;
    const b1 = buf[off + 1] as number;
    let len = b1 & 0x7f;
    let head = 2;
    if (len === 126) {
      if (buf.length - off < 4) break;
      len = buf.readUInt16BE(off + 2);
      head = 4;
    } else if (len === 127) {
      if (buf.length - off < 10) break;
      len = Number(buf.readBigUInt64BE(off + 2));
      head = 10;
    }
    if (buf.length - off < head + len) break;
    const start = off + head;
    off = start + len;
    c.bytesIn += head + len;
    if (b1 & 0x80) {
      c.onError("server sent a masked frame");
      continue;
    }
    const opcode = b0 & 0x0f;
    if (opcode === 0x1 && b0 & 0x80) c.onText(buf.toString("utf8", start, start + len));
    else if (opcode === 0x9) c.send(controlFrame(0xa, buf.subarray(start, start + len)));
    else if (opcode === 0x8) {
      c.closeCode = len >= 2 ? buf.readUInt16BE(start) : 1005;
      // Echo the server's close (RFC 6455 §5.5.1); the server then closes TCP.
      if (c.state === State.Open) c.send(controlFrame(0x8, buf.subarray(start, start + Math.min(len, 2))));
      c.state = State.Closing;
    } else if (opcode !== 0xa)
      c.onError(`unexpected frame opcode ${opcode}${b0 & 0x80 ? "" : " (fragment)"}`);
  }
  if (off < buf.length) c.rest = Buffer.from(buf.subarray(off));
}

const handlers = {
  open(sock: Socket<WireConn>) {
    const c = sock.data;
    c.sock = sock;
    c.state = State.Handshake;
    // Small frames must go out at once, as a browser's would (no Nagle delay behind a pong).
    sock.setNoDelay(true);
    sock.write(
      `GET / HTTP/1.1\r\nHost: ${c.host}:${c.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  },
  data: onData,
  drain(sock: Socket<WireConn>) {
    const c = sock.data;
    const q = c.queue;
    if (!q) return;
    while (q.length > 0) {
      const f = q[0] as Uint8Array;
      const n = sock.write(f);
      if (n < f.length) {
        q[0] = f.subarray(Math.max(0, n));
        return;
      }
      q.shift();
    }
    c.queue = null;
  },
  close(sock: Socket<WireConn>) {
    sock.data.finish(sock.data.closeCode ?? 1006);
  },
  error(sock: Socket<WireConn>, error: Error) {
    sock.data.onError(`socket error: ${error.message}`);
  },
  connectError(sock: Socket<WireConn>, error: Error) {
    sock.data.finish(1006, `cannot connect: ${error.message}`);
  },
};

/** Opens a WebSocket to ws://host:port/ and resolves once the server accepted the handshake. */
export function connect(host: string, port: number, onError: (message: string) => void): Promise<WireConn> {
  const conn = new WireConn(host, port, onError);
  return new Promise<WireConn>((resolve, reject) => {
    conn.opened = { resolve, reject };
    Bun.connect<WireConn>({ hostname: host, port, data: conn, socket: handlers }).catch((e: Error) =>
      conn.finish(1006, `cannot connect: ${e.message}`),
    );
  });
}
