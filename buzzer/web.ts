/**
 * The web pages' shell: the player, host and projector pages (HTML files bundled by Bun on first
 * request, TypeScript and CSS included), served with security headers; the same-origin rule for
 * WebSocket upgrades; and the join URL the server prints.
 */
import { networkInterfaces } from "node:os";
import type { BuildArtifact, Server } from "bun";

const WEB = new URL("./web/", import.meta.url).pathname;

/** Page routes and the HTML file each serves. */
export const PAGES = {
  "/": "player.html",
  "/r/:code": "player.html",
  "/host": "host.html",
  "/screen": "screen.html",
} as const;

/** Headers on every page: scripts, styles and sockets only from this server, no framing, no referrer. */
export const PAGE_HEADERS = {
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
};

let built: Promise<Map<string, BuildArtifact>> | null = null;

/** Bundles the pages once (minified) and keeps every output by its public path. */
function bundle(): Promise<Map<string, BuildArtifact>> {
  built ??= Bun.build({
    entrypoints: [...new Set(Object.values(PAGES))].map((page) => WEB + page),
    minify: true,
    publicPath: "/",
    target: "browser",
    naming: {
      entry: "[name].[ext]",
      chunk: "assets/[name]-[hash].[ext]",
      asset: "assets/[name]-[hash].[ext]",
    },
  }).then(
    (result) => {
      if (!result.success) throw new AggregateError(result.logs, "the web pages failed to build");
      return new Map(result.outputs.map((out) => [out.path.replace(/^\.\//, "/"), out]));
    },
    (error) => {
      // A failed build (out of files, say) is tried again on the next request, not cached for good.
      built = null;
      throw error;
    },
  );
  return built;
}

function serve(out: BuildArtifact | undefined, headers: Record<string, string>): Response {
  if (!out) return new Response("Not found\n", { status: 404 });
  return new Response(out, { headers: { "Content-Type": out.type, ...headers } });
}

type Handler<T> = (req: Request, server: Server<T>) => Response | undefined | Promise<Response | undefined>;

/**
 * Routes for Bun.serve: the pages with their headers, and the hashed bundle files they load. A
 * WebSocket upgrade on a page's path (the original clients connect to `/`) goes to `upgrade`.
 */
export function webRoutes<T>(upgrade: Handler<T>): Record<string, Handler<T>> {
  const routes: Record<string, Handler<T>> = {};
  for (const [path, page] of Object.entries(PAGES)) {
    routes[path] = async (req, server) =>
      req.headers.get("upgrade")?.toLowerCase() === "websocket"
        ? upgrade(req, server)
        : serve((await bundle()).get(`/${page}`), { ...PAGE_HEADERS, "Cache-Control": "no-cache" });
  }
  // Bundle files are named by content hash, so they can be cached for good.
  routes["/assets/*"] = async (req) =>
    serve((await bundle()).get(new URL(req.url).pathname), {
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "public, max-age=31536000, immutable",
    });
  return routes;
}

/**
 * Whether a WebSocket upgrade may proceed: browsers send an Origin, and it must be this server's
 * own; clients without one (terminal, Python) are not browsers and are let in.
 */
export function sameOrigin(req: Request): boolean {
  const origin = req.headers.get("origin");
  if (!origin) return true;
  const host = req.headers.get("host");
  return URL.canParse(origin) && new URL(origin).host === host;
}

/** The URL players open: a LAN address when the server listens on every interface. */
export function joinUrl(host: string, port: number): string {
  let address = host;
  if (host === "0.0.0.0" || host === "::") {
    const lan = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === "IPv4" && !i.internal);
    address = lan?.address ?? "localhost";
  }
  return `http://${address.includes(":") ? `[${address}]` : address}:${port}/`;
}
