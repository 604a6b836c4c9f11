/** Opens a WebSocket, resolving when open; rejects with a one-line message a user can act on. */
export function connect(url: string, timeoutMs = 3000): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error(`no answer from ${url} within ${timeoutMs / 1000}s (is the server running?)`));
    }, timeoutMs);
    ws.addEventListener("open", () => {
      clearTimeout(timer);
      resolve(ws);
    });
    ws.addEventListener("error", () => {
      clearTimeout(timer);
      reject(new Error(`cannot connect to ${url} (is the server running?)`));
    });
  });
}

/** Reads one line from stdin (typed or piped); null at end of input. */
export async function readLine(): Promise<string | null> {
  for await (const line of console) return line;
  return null;
}
