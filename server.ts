import { Close, closeLine, MAX_PAYLOAD } from "./lib/close.ts";
import { logger } from "./lib/log.ts";
import { parseOptions, serverOptions } from "./lib/options.ts";
import { listen, listenOptions } from "./lib/serve.ts";

const program = "server.ts";
const summary = "Greeting server: answers each name with Hello NAME!";
const { values } = parseOptions(program, summary, serverOptions);
const log = logger(values.quiet === true);

listen<undefined>(listenOptions(program, values), {
  fetch: (req, server) =>
    server.upgrade(req) ? undefined : new Response("Connect with a WebSocket client.\n", { status: 426 }),
  websocket: {
    maxPayloadLength: MAX_PAYLOAD,
    message(ws, name) {
      if (typeof name !== "string") return ws.close(Close.UNSUPPORTED_DATA, "text frames only");
      const greeting = `Hello ${name}!`;
      log?.(greeting);
      if (ws.send(greeting) === 0) return log?.(`Client left before the reply to ${name}`);
      log?.(`Sent: ${greeting}`);
    },
    close(_ws, code, reason) {
      const line = closeLine("a client", code, reason, MAX_PAYLOAD);
      if (line) log?.(line);
    },
  },
});
