/**
 * Headless Chromium for the pages' integration tests: one browser, a fresh profile per device,
 * every page's script errors and CSP refusals collected, and the page helpers the tests share.
 */
import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";
/** Whether Chromium is installed (CI must have it; elsewhere the browser tests are skipped). */
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI)
  throw new Error(`${CHROMIUM} is required in CI (apt-get install chromium)`);
if (!hasChromium) console.warn(`Skipping the browser tests of the web pages: no ${CHROMIUM}`);

/** Longest any single wait in a browser may take. */
export const WAIT = 8000;

/** A browser and the devices opened in it; `problems` lists what any page reported. */
export class Browsers {
  /** Problems any page reported: script errors and CSP refusals, checked after every test. */
  readonly problems: string[] = [];
  private readonly contexts: BrowserContext[] = [];

  private constructor(private readonly browser: Browser) {}

  /** Launches headless Chromium. */
  static async launch(): Promise<Browsers> {
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
    return new Browsers(browser);
  }

  /** A fresh browser profile (own storage), phone-sized unless told, as one device. */
  async device(viewport = { width: 360, height: 740 }): Promise<BrowserContext> {
    const context = await this.browser.newContext({ viewport, hasTouch: true });
    context.setDefaultTimeout(WAIT);
    this.contexts.push(context);
    return context;
  }

  /** Opens a page in a context at `origin + path`, recording its script errors and CSP refusals. */
  async open(context: BrowserContext, path: string, origin: string): Promise<Page> {
    const page = await context.newPage();
    page.on("pageerror", (error) => this.problems.push(`${path}: ${error.message}`));
    page.on("console", (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text()))
        this.problems.push(`${path}: ${msg.text()}`);
    });
    await page.goto(origin + path);
    return page;
  }

  /** Closes every device and the browser. */
  async close(): Promise<void> {
    await Promise.allSettled(this.contexts.map((c) => c.close()));
    await this.browser.close();
  }
}

/** Joins from the player page's form and waits until connected. */
export async function joinAs(page: Page, name: string): Promise<void> {
  await page.fill("#name", name);
  await page.click("#join-button");
  await page.locator("#conn[data-conn=online]").waitFor();
}

/** Waits until the player page's buzz button shows `state`. */
export function buzzState(page: Page, state: string): Promise<void> {
  return page.locator(`#buzz[data-state=${state}]`).waitFor();
}

/** The trimmed text of the first element matching `selector`. */
export const text = async (page: Page, selector: string) => (await page.textContent(selector))?.trim() ?? "";
/** The trimmed texts of every element matching `selector`. */
export const texts = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((els) => els.map((e) => e.textContent?.trim() ?? ""));
