/**
 * What to check when `url` cannot be reached, in words: the server, and over wss:// its certificate
 * too (a self-signed one is trusted through NODE_EXTRA_CA_CERTS, as the README says).
 */
export function unreachable(url: string): string {
  return url.startsWith("wss:")
    ? "is the server running, and its certificate trusted? NODE_EXTRA_CA_CERTS=FILE names one"
    : "is the server running?";
}

/** Opens a WebSocket, resolving when open; rejects with a one-line message a user can act on. */
export function connect(url: string, timeoutMs = 3000): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error(`no answer from ${url} within ${timeoutMs / 1000}s (${unreachable(url)})`));
    }, timeoutMs);
    ws.addEventListener("open", () => {
      clearTimeout(timer);
      resolve(ws);
    });
    ws.addEventListener("error", () => {
      clearTimeout(timer);
      reject(new Error(`cannot connect to ${url} (${unreachable(url)})`));
    });
  });
}

/** Reads one line from stdin (typed or piped); null at end of input. */
export async function readLine(): Promise<string | null> {
  for await (const line of console) return line;
  return null;
}
