/**
 * The web pages' shell: the player, host and projector pages (HTML files bundled by Bun on first
 * request, TypeScript and CSS included), served with security headers; the host and origin rules
 * for WebSocket upgrades; and the join URL the server prints and the pages show (`GET /join`).
 */
import { type NetworkInterfaceInfo, networkInterfaces } from "node:os";
import type { BuildArtifact, Server } from "bun";

const WEB = new URL("./web/", import.meta.url).pathname;

/** Page routes and the HTML file each serves. */
const PAGES = {
  "/": "player.html",
  "/r/:code": "player.html",
  // A link cut short before its code: the page says so rather than a bare 404.
  "/r/": "player.html",
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

/** One bundled file, as built and gzipped (a phone on a crowded Wi-Fi loads a third of the bytes). */
interface Asset {
  out: BuildArtifact;
  gzip: Uint8Array;
}

let built: Promise<Map<string, Asset>> | null = null;

/** Bundles the pages once (minified, and gzipped once) and keeps every output by its public path. */
function bundle(): Promise<Map<string, Asset>> {
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
    async (result) => {
      if (!result.success) throw new AggregateError(result.logs, "the web pages failed to build");
      const assets = await Promise.all(
        result.outputs.map(async (out): Promise<[string, Asset]> => {
          const gzip = Bun.gzipSync(new Uint8Array(await out.arrayBuffer()));
          return [out.path.replace(/^\.\//, "/"), { out, gzip }];
        }),
      );
      return new Map(assets);
    },
    (error) => {
      // A failed build (out of files, say) is tried again on the next request, not cached for good.
      built = null;
      throw error;
    },
  );
  return built;
}

function serve(req: Request, asset: Asset | undefined, headers: Record<string, string>): Response {
  if (!asset) return new Response("Not found\n", { status: 404 });
  const gzip = /\bgzip\b/.test(req.headers.get("accept-encoding") ?? "");
  const encoding: Record<string, string> = gzip ? { "Content-Encoding": "gzip" } : {};
  return new Response(gzip ? asset.gzip : asset.out, {
    headers: { "Content-Type": asset.out.type, Vary: "Accept-Encoding", ...encoding, ...headers },
  });
}

type Handler<T> = (req: Request, server: Server<T>) => Response | undefined | Promise<Response | undefined>;

/**
 * Routes for Bun.serve: the pages with their headers, the hashed bundle files they load, and
 * `GET /join` (where players join, from `join`). A WebSocket upgrade on a page's path (the original
 * clients connect to `/`) goes to `upgrade`.
 */
export function webRoutes<T>(upgrade: Handler<T>, join: () => JoinInfo): Record<string, Handler<T>> {
  const routes: Record<string, Handler<T>> = {};
  for (const [path, page] of Object.entries(PAGES)) {
    routes[path] = async (req, server) =>
      req.headers.get("upgrade")?.toLowerCase() === "websocket"
        ? upgrade(req, server)
        : serve(req, (await bundle()).get(`/${page}`), { ...PAGE_HEADERS, "Cache-Control": "no-cache" });
  }
  // Bundle files are named by content hash, so they can be cached for good.
  routes["/assets/*"] = async (req) =>
    serve(req, (await bundle()).get(new URL(req.url).pathname), {
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "public, max-age=31536000, immutable",
    });
  // Asked afresh by every page that shows a QR code: the page's own origin may be one phones cannot open.
  routes["/join"] = () =>
    Response.json(join(), { headers: { ...PAGE_HEADERS, "Cache-Control": "no-store" } });
  return routes;
}

/** Hostnames of this machine's loopback interface, as local browsers and clients spell them. */
const LOOPBACK = ["localhost", "127.0.0.1", "::1"];
/** Bind addresses that mean every interface. */
const EVERY_INTERFACE = new Set(["0.0.0.0", "::"]);

const unbracketed = (host: string) => host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
/** Whether a host name or address is this machine's loopback, which no other device can reach. */
export const isLoopback = (host: string) =>
  ["localhost", "::1", "[::1]"].includes(host.toLowerCase()) || /^127(\.\d+){3}$/.test(host);
/** A hostname and port as a URL's `host` spells them: lower case, IPv6 bracketed, port 80 left out. */
const hostOf = (hostname: string, port: number) =>
  new URL(`http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`).host;

/** This machine's addresses on its networks (IPv4 first), as players on the LAN reach it. */
export function lanAddresses(): string[] {
  const external = Object.values(networkInterfaces())
    .flat()
    .filter((i): i is NetworkInterfaceInfo => i !== undefined && !i.internal);
  const ipv4 = external.filter((i) => i.family === "IPv4");
  return [...ipv4, ...external.filter((i) => i.family !== "IPv4")].map((i) => i.address);
}

/**
 * The `host:port` forms a real client can reach this server by: the bound host; the loopback names
 * when bound to loopback or every interface; the LAN addresses when bound to every interface; and
 * the public URL's host (behind a proxy). `port` is the port actually bound, never 0.
 */
export function allowedHosts(
  bindHost: string,
  port: number,
  publicUrl?: string,
  addresses: readonly string[] = lanAddresses(),
): Set<string> {
  const bound = unbracketed(bindHost);
  const names = EVERY_INTERFACE.has(bound)
    ? [...LOOPBACK, ...addresses]
    : isLoopback(bound)
      ? [bound, ...LOOPBACK]
      : [bound];
  const allowed = new Set(names.map((name) => hostOf(unbracketed(name), port)));
  if (publicUrl !== undefined) allowed.add(new URL(publicUrl).host);
  return allowed;
}

/** A Host header in the form `allowedHosts` uses, or null if it is not a bare host and port. */
function hostKey(header: string | null): string | null {
  // "evil@localhost:3000" would parse as localhost: only a host and a port may be in the header.
  if (!header || /[/?#@\\\s]/.test(header) || !URL.canParse(`http://${header}`)) return null;
  return new URL(`http://${header}`).host;
}

/**
 * Whether a WebSocket upgrade may proceed: its Host must be one this server is reached by (a DNS
 * rebinding attack brings the attacker's name), and a browser's Origin must be one of them too
 * (another site's page may not connect); clients without an Origin (terminal, Python) are not browsers.
 */
export function checkUpgrade(req: Request, allowed: ReadonlySet<string>): boolean {
  const origin = req.headers.get("origin");
  // A client that is not a browser chooses its own Host anyway (a TCP proxy in front may change the
  // port); rebinding needs a browser, and a browser's WebSocket always sends an Origin.
  if (!origin) return true;
  const host = hostKey(req.headers.get("host"));
  if (host === null || !allowed.has(host)) return false;
  return URL.canParse(origin) && allowed.has(new URL(origin).host);
}

/** The URL players open: a LAN address when the server listens on every interface. */
export function joinUrl(host: string, port: number, tls = false): string {
  let address = unbracketed(host);
  if (EVERY_INTERFACE.has(address)) address = lanAddresses().find((a) => !a.includes(":")) ?? "localhost";
  return `${tls ? "https" : "http"}://${address.includes(":") ? `[${address}]` : address}:${port}/`;
}

/** Where players join, as the pages show it: the URL, and whether any other device can reach it. */
export interface JoinInfo {
  url: string;
  /** False when the server is bound to loopback only and no public URL says how else it is reached. */
  reachable: boolean;
}

/**
 * The join address for a server bound to `host:port`: the public URL if one is given (behind a
 * proxy), else `joinUrl`'s (the LAN address when bound to every interface). Always ends in `/`,
 * so a page adds `r/CODE` to it.
 */
export function joinInfo(host: string, port: number, tls = false, publicUrl?: string): JoinInfo {
  if (publicUrl === undefined) {
    return { url: joinUrl(host, port, tls), reachable: !isLoopback(host) };
  }
  const { href } = new URL(publicUrl);
  return { url: href.endsWith("/") ? href : `${href}/`, reachable: true };
}
