import type { Serve, Server } from "bun";
import { fail } from "./fail.ts";
import { type Parsed, portOption } from "./options.ts";

/** Where a server listens and how much it prints. */
export interface Listen {
  program: string;
  host: string;
  port: number;
  quiet: boolean;
  /** A certificate and its key (PEM): serve https and wss instead of http and ws. */
  tls?: { cert: string; key: string };
}

/** Formats the address a server listens on as the ws:// (or, with TLS, wss://) URL users connect to. */
function wsUrl(host: string, port: number, tls = false): string {
  return `${tls ? "wss" : "ws"}://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/**
 * Starts Bun.serve on the given address, prints the original's start line, and stops cleanly
 * on Ctrl+C or SIGTERM (open sockets get 1001 going away).
 */
export function listen<T, R extends string = string>(
  at: Listen,
  options: Serve.Options<T, R>,
  onStop: () => void = () => {},
): Server<T> {
  // Handlers go in before the start line: a test may signal as soon as it reads that line.
  const stop = async () => {
    onStop();
    // stop(true) closes every open socket with 1001 (going away) before we exit.
    await server.stop(true);
    console.log("Server stopped");
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  let server: Server<T>;
  try {
    const tls = at.tls ? { tls: { cert: at.tls.cert, key: at.tls.key } } : {};
    server = Bun.serve<T, R>({ ...options, ...tls, hostname: at.host, port: at.port } as Serve.Options<T, R>);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "EADDRINUSE") {
      fail(
        `${at.program}: port ${at.port} on ${at.host} is already in use (another server running? try --port 0)`,
      );
    }
    if (code === "EACCES") {
      fail(
        `${at.program}: no permission to listen on port ${at.port} (ports below 1024 need root): use a port from 1024 up, like --port 8765`,
      );
    }
    // EINVAL: a name that does not resolve, or not an address at all (999.1.1.1).
    if (code === "EADDRNOTAVAIL" || code === "EINVAL") {
      fail(
        `${at.program}: cannot listen on ${at.host}: not an address of this machine (use localhost, 0.0.0.0 for every network, or one of this machine's addresses)`,
      );
    }
    fail(`${at.program}: cannot listen on ${at.host}:${at.port}: ${(error as Error).message}`);
  }
  console.log(`Server started on ${wsUrl(at.host, server.port ?? at.port, at.tls !== undefined)}`);
  return server;
}

/** Reads the shared server options (--host, --port, --quiet) into a Listen. */
export function listenOptions(program: string, values: Parsed["values"]): Listen {
  // An unset shell variable (`--host "$HOST"`): Bun would listen on every network, not on none.
  if (values.host === "")
    fail(`${program}: --host is empty (is its variable set?): give an address like localhost or 0.0.0.0`, 2);
  return {
    program,
    host: String(values.host),
    port: portOption(program, values.port),
    quiet: !!values.quiet,
  };
}
