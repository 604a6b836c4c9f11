import { describe, expect, test } from "bun:test";
import {
  allowedHosts,
  checkUpgrade,
  isLoopback,
  joinInfo,
  joinUrl,
  lanAddresses,
  PAGE_HEADERS,
  webRoutes,
} from "../../buzzer/web.ts";

const LOCAL = ["localhost:3000", "127.0.0.1:3000", "[::1]:3000"];

/** An upgrade request with these headers (absent when undefined). */
function upgrade(host: string | undefined, origin?: string): Request {
  const headers: Record<string, string> = { upgrade: "websocket" };
  if (host !== undefined) headers.host = host;
  if (origin !== undefined) headers.origin = origin;
  return new Request("http://localhost:3000/", { headers });
}

describe("web", () => {
  describe("allowedHosts", () => {
    test("allows the loopback names when bound to loopback", () => {
      for (const bind of ["localhost", "127.0.0.1", "::1", "[::1]", "LOCALHOST"]) {
        expect(allowedHosts(bind, 3000, undefined, ["192.168.1.20"])).toEqual(new Set(LOCAL));
      }
      expect(allowedHosts("127.0.0.2", 3000, undefined, [])).toEqual(new Set(["127.0.0.2:3000", ...LOCAL]));
    });

    test("allows the loopback names and the LAN addresses when bound to every interface", () => {
      const expected = new Set([...LOCAL, "192.168.1.20:3000", "[fd00::5]:3000"]);
      for (const bind of ["0.0.0.0", "::", "[::]"]) {
        expect(allowedHosts(bind, 3000, undefined, ["192.168.1.20", "fd00::5"])).toEqual(expected);
      }
    });

    test("allows only the bound address when bound to one interface", () => {
      expect(allowedHosts("192.168.1.20", 3000, undefined, ["192.168.1.20", "10.0.0.2"])).toEqual(
        new Set(["192.168.1.20:3000"]),
      );
      expect(allowedHosts("Quiz.Lan", 3000)).toEqual(new Set(["quiz.lan:3000"]));
    });

    test("spells port 80 as browsers send it, without the port", () => {
      expect(allowedHosts("localhost", 80, undefined, [])).toEqual(
        new Set(["localhost", "127.0.0.1", "[::1]"]),
      );
    });

    test("adds the public URL's host", () => {
      expect(allowedHosts("127.0.0.1", 3000, "https://Quiz.Example/play", [])).toEqual(
        new Set([...LOCAL, "quiz.example"]),
      );
      expect(allowedHosts("127.0.0.1", 3000, "http://quiz.example:8080/", [])).toEqual(
        new Set([...LOCAL, "quiz.example:8080"]),
      );
    });

    test("reads the LAN addresses from the machine by default", () => {
      const lan = lanAddresses();
      const allowed = allowedHosts("0.0.0.0", 3000);
      expect(allowed.size).toBe(
        new Set([...LOCAL, ...lan.map((a) => (a.includes(":") ? `[${a}]` : a))]).size,
      );
      for (const host of LOCAL) expect(allowed.has(host)).toBe(true);
    });
  });

  describe("checkUpgrade", () => {
    const allowed = allowedHosts("0.0.0.0", 3000, "https://quiz.example/", ["192.168.1.20"]);

    test("refuses a DNS-rebound page: the attacker's name in both Host and Origin", () => {
      expect(checkUpgrade(upgrade("evil.example", "http://evil.example"), allowed)).toBe(false);
      expect(checkUpgrade(upgrade("evil.example:3000", "http://evil.example:3000"), allowed)).toBe(false);
    });

    test("refuses another site's page connecting to this server", () => {
      expect(checkUpgrade(upgrade("localhost:3000", "http://evil.example"), allowed)).toBe(false);
      expect(checkUpgrade(upgrade("localhost:3000", "http://localhost:3001"), allowed)).toBe(false);
      expect(checkUpgrade(upgrade("localhost:3000", "null"), allowed)).toBe(false);
      expect(checkUpgrade(upgrade("localhost:3000", "not a url"), allowed)).toBe(false);
    });

    test("admits a browser on this server's own pages", () => {
      expect(checkUpgrade(upgrade("localhost:3000", "http://localhost:3000"), allowed)).toBe(true);
      expect(checkUpgrade(upgrade("192.168.1.20:3000", "http://192.168.1.20:3000"), allowed)).toBe(true);
      expect(checkUpgrade(upgrade("[::1]:3000", "http://[::1]:3000"), allowed)).toBe(true);
      expect(checkUpgrade(upgrade("quiz.example", "https://quiz.example"), allowed)).toBe(true);
    });

    test("admits a page behind a proxy that forwards to the bound address", () => {
      expect(checkUpgrade(upgrade("127.0.0.1:3000", "https://quiz.example"), allowed)).toBe(true);
    });

    test("admits a client without an Origin (not a browser) whatever its Host", () => {
      expect(checkUpgrade(upgrade("localhost:3000"), allowed)).toBe(true);
      expect(checkUpgrade(upgrade("127.0.0.1:3000", ""), allowed)).toBe(true);
      expect(checkUpgrade(upgrade("localhost:4000"), allowed)).toBe(true);
    });

    test("compares hosts whatever their case or IPv6 spelling", () => {
      expect(checkUpgrade(upgrade("LocalHost:3000", "http://LOCALHOST:3000"), allowed)).toBe(true);
      expect(checkUpgrade(upgrade("[0:0::1]:3000", "http://[::1]:3000"), allowed)).toBe(true);
    });

    test("refuses a browser whose request has no Host or more than a host and port in it", () => {
      const page = "http://localhost:3000";
      expect(checkUpgrade(upgrade(undefined, page), allowed)).toBe(false);
      expect(checkUpgrade(upgrade("", page), allowed)).toBe(false);
      for (const host of ["evil@localhost:3000", "localhost:3000/x", "local host:3000", "local\\host:3000"]) {
        expect(checkUpgrade(upgrade(host, page), allowed)).toBe(false);
      }
    });
  });

  describe("isLoopback", () => {
    test("tells this machine's own names and addresses from ones a phone can reach", () => {
      for (const host of ["localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1", "[::1]"]) {
        expect(isLoopback(host)).toBe(true);
      }
      for (const host of ["0.0.0.0", "192.168.1.20", "quiz.example.org", "::"])
        expect(isLoopback(host)).toBe(false);
    });
  });

  describe("joinUrl", () => {
    test("uses the bound host, or the first LAN IPv4 address when bound to every interface", () => {
      expect(joinUrl("localhost", 3000)).toBe("http://localhost:3000/");
      expect(joinUrl("::1", 3000)).toBe("http://[::1]:3000/");
      const lan = lanAddresses().find((a) => !a.includes(":")) ?? "localhost";
      expect(joinUrl("0.0.0.0", 3000)).toBe(`http://${lan}:3000/`);
    });
  });

  describe("joinInfo", () => {
    test("says a server bound to loopback cannot be reached from another device", () => {
      expect(joinInfo("localhost", 3000)).toEqual({ url: "http://localhost:3000/", reachable: false });
      expect(joinInfo("[::1]", 3000, true)).toEqual({ url: "https://[::1]:3000/", reachable: false });
    });

    test("gives the LAN address when bound to every interface", () => {
      const lan = lanAddresses().find((a) => !a.includes(":")) ?? "localhost";
      expect(joinInfo("0.0.0.0", 3000)).toEqual({ url: `http://${lan}:3000/`, reachable: true });
      expect(joinInfo("192.168.1.20", 80, true)).toEqual({
        url: "https://192.168.1.20:80/",
        reachable: true,
      });
    });

    test("prefers the public URL, ending in a slash, even when bound to loopback behind a proxy", () => {
      expect(joinInfo("127.0.0.1", 3000, false, "https://Quiz.Example")).toEqual({
        url: "https://quiz.example/",
        reachable: true,
      });
      expect(joinInfo("127.0.0.1", 3000, false, "https://quiz.example/play")).toEqual({
        url: "https://quiz.example/play/",
        reachable: true,
      });
    });
  });

  describe("webRoutes", () => {
    test("answers GET /join with the join address as JSON, never cached, with the page headers", async () => {
      const routes = webRoutes(
        () => undefined,
        () => ({ url: "http://192.168.1.20:3000/", reachable: true }),
      );
      const handler = routes["/join"] as (req: Request, server: unknown) => Response;
      const res = handler(new Request("http://localhost:3000/join"), null);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toStartWith("application/json");
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("content-security-policy")).toBe(PAGE_HEADERS["Content-Security-Policy"]);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(await res.json()).toEqual({ url: "http://192.168.1.20:3000/", reachable: true });
    });
  });
});
