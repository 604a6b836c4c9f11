/**
 * Headless Chromium for the web pages' tests: a browser whose pages report script errors and CSP
 * refusals, one fresh profile per device, the hooks every page test file registers (a server and a
 * browser for the file) and the steps every page test takes (join, sign in).
 * Needs Chromium at /usr/bin/chromium (CI installs it; elsewhere the browser tests are skipped).
 */
import { afterAll, beforeAll } from "bun:test";
import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { type Server, startServer } from "../../support.ts";

const CHROMIUM = "/usr/bin/chromium";
/** Whether the browser tests can run here. */
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI)
  throw new Error(`${CHROMIUM} is required in CI (apt-get install chromium)`);
if (!hasChromium) console.warn(`Skipping the browser tests of the web pages: no ${CHROMIUM}`);

/**
 * Longest any single wait in a browser may take. A browser test's own timeout (90 s) only stops a
 * hang: on a loaded two-core machine a test that takes 5 s when it is quiet has taken 20.
 */
export const WAIT = 8000;

/** A window's size in CSS pixels. */
export type Viewport = { width: number; height: number };
/** A laptop's window, as the host console's tests use. */
export const LAPTOP: Viewport = { width: 1280, height: 900 };
/** A 1080p projector's window. */
export const HD: Viewport = { width: 1920, height: 1080 };

/** A browser for one test file: devices (own storage each) and the problems their pages reported. */
export class Browsing {
  /** Problems any page reported: script errors and CSP refusals, checked after every test. */
  readonly problems: string[] = [];
  private readonly contexts: BrowserContext[] = [];

  private constructor(private readonly browser: Browser) {}

  /** Starts headless Chromium. */
  static async launch(): Promise<Browsing> {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    return new Browsing(browser);
  }

  /** A fresh browser profile (own storage), phone-sized unless told, as one person's device. */
  async device(viewport: Viewport = { width: 360, height: 740 }): Promise<BrowserContext> {
    const context = await this.browser.newContext({ viewport, hasTouch: true });
    context.setDefaultTimeout(WAIT);
    this.contexts.push(context);
    return context;
  }

  /** Opens a URL in a context, recording its script errors and CSP refusals. */
  async open(context: BrowserContext, url: string): Promise<Page> {
    const page = await context.newPage();
    const path = new URL(url).pathname;
    page.on("pageerror", (error) => this.problems.push(`${path}: ${error.message}`));
    page.on("console", (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text()))
        this.problems.push(`${path}: ${msg.text()}`);
    });
    await page.goto(url);
    return page;
  }

  /** Closes every device and the browser. */
  async close(): Promise<void> {
    await Promise.allSettled(this.contexts.map((c) => c.close()));
    await this.browser.close();
  }
}

/** A test file's browser, from the hooks `browserSuite` registers: read it inside tests, not at load. */
export interface BrowserSuite {
  /** Headless Chromium; throws where there is none (the tests that need it are skipped there). */
  readonly browsing: Browsing;
}

/** A test file's server and browser, from the hooks `pageSuite` registers: read them inside tests. */
export interface PageSuite extends BrowserSuite {
  /** The buzzer server, on a free port, for the whole file. */
  readonly server: Server;
  /** The server's web address, `http://localhost:PORT`. */
  readonly base: string;
  /** Opens `path` of the server (`/host`, `/r/ROOM`…) on a fresh device, phone-sized unless told. */
  page(path: string, viewport?: Viewport): Promise<Page>;
}

/** Registers a beforeAll that launches Chromium (where there is one) and an afterAll that closes it. */
export function browserSuite(): BrowserSuite {
  let launched: Browsing | undefined;
  beforeAll(async () => {
    if (hasChromium) launched = await Browsing.launch();
  });
  afterAll(async () => {
    await launched?.close();
  });
  return {
    get browsing() {
      if (!launched) throw new Error("no browser");
      return launched;
    },
  };
}

/**
 * Registers the hooks of a page test file: beforeAll launches Chromium (where there is one) and
 * starts the buzzer server with `args` on a free port; afterAll closes the browser, then the server
 * (bun runs hooks in the order they are registered, so no page is left talking to a stopped server).
 */
export function pageSuite(args: string[]): PageSuite {
  const browser = browserSuite();
  let started: Server | undefined;
  beforeAll(async () => {
    started = await startServer("buzzer/buzzer_server.ts", args);
  });
  afterAll(async () => {
    await started?.stop();
  });
  const server = () => {
    if (!started) throw new Error("no server: it starts in beforeAll");
    return started;
  };
  const base = () => `http://localhost:${server().port}`;
  return {
    get browsing() {
      return browser.browsing;
    },
    get server() {
      return server();
    },
    get base() {
      return base();
    },
    async page(path, viewport) {
      return browser.browsing.open(await browser.browsing.device(viewport), base() + path);
    },
  };
}

/** Joins the player page as `name` and waits until it is connected. */
export async function joinAs(page: Page, name: string): Promise<void> {
  await page.fill("#name", name);
  await page.click("#join-button");
  await page.locator("#conn[data-conn=online]").waitFor();
}

/** Signs the host console in to `room` and waits until it is connected. */
export async function signIn(page: Page, room: string, secret: string): Promise<void> {
  await page.fill("#room", room);
  await page.fill("#secret", secret);
  await page.click("#login-button");
  await page.locator("#conn[data-conn=online]").waitFor();
}

/** Waits until the player page's buzz button shows `state`. */
export function buzzState(page: Page, state: string): Promise<void> {
  return page.locator(`#buzz[data-state=${state}]`).waitFor();
}

/** An element's text, trimmed. */
export const text = async (page: Page, selector: string) => (await page.textContent(selector))?.trim() ?? "";
/** Every matching element's text, trimmed, in document order. */
export const texts = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((els) => els.map((e) => e.textContent?.trim() ?? ""));

/** The names of an order list, without the badges beside them ("photo finish", "✓ right"). */
export const orderNames = (page: Page, selector = "#order li .name") =>
  page.locator(selector).evaluateAll((els) => els.map((e) => e.firstChild?.textContent?.trim() ?? ""));
