/**
 * Headless Chromium for tests, driven by playwright-core: Debian's
 * /usr/bin/chromium only (playwright never downloads a browser here), the
 * flags a root test process needs, host names mapped to loopback addresses,
 * certificate errors ignored only when a test asks, and every page watched
 * for failed requests and console errors. Screenshots go to test/artifacts/
 * (gitignored). One browser per test file: launch in beforeAll, close in
 * afterAll; every wait is bounded.
 */
import { X509Certificate, createHash } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContext, type Page, chromium } from "playwright-core";
import { assertLoopback } from "../sim/loopback.ts";

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM_PATH = "/usr/bin/chromium";
/** Screenshots and other artifacts tests keep (gitignored). */
export const ARTIFACTS_DIR = path.resolve(import.meta.dir, "../artifacts");

/** Why Chromium tests cannot run on this machine, or undefined when they can. */
export function chromiumUnavailable(): string | undefined {
  return existsSync(CHROMIUM_PATH) ? undefined : `${CHROMIUM_PATH} is missing: apt-get install chromium (CI does, in .ci/run)`;
}

/** How the browser is launched. */
export interface ChromiumOptions {
  /**
   * Host names to resolve to a loopback address ("printer.test" -> "127.0.0.5").
   * Chromium itself resolves every *.localhost name to loopback, so those need none.
   */
  hostMap?: Record<string, string>;
  /** Accept any certificate (a printer's self-signed one); off unless a test asks. */
  ignoreCertificateErrors?: boolean;
  /** Certificates (PEM) whose public keys Chromium trusts, without ignoring other errors: the hub's CA, for instance. */
  trustCertificates?: string[];
  /** Bound on each navigation and wait, ms (default 15 s). */
  timeoutMs?: number;
}

/** One page opened by the harness; the lists keep growing while the page lives (a form submitted, a link followed). */
export interface PageVisit {
  page: Page;
  /** HTTP status of the main document (after redirects). */
  status: number | undefined;
  /** Requests that failed ("GET url: reason") or answered 400 or more ("GET url: HTTP 404"), any frame. */
  failedRequests: string[];
  /** Console errors and uncaught exceptions of the page. */
  consoleErrors: string[];
  /** Every response: URL and status, any frame, in order. */
  responses: { url: string; status: number }[];
}

/** A launched browser with one context. */
export interface ChromiumSession {
  readonly context: BrowserContext;
  /**
   * Opens `url` in a new page and waits for its load event; `ignoreCertificateErrors`
   * overrides the launch option for this page (a second context).
   */
  open(url: string, options?: { ignoreCertificateErrors?: boolean }): Promise<PageVisit>;
  /** A new, watched page that has not navigated yet (for a caller that adds its own listeners first). */
  newPage(options?: { ignoreCertificateErrors?: boolean }): Promise<Omit<PageVisit, "status">>;
  /** A full-page PNG of `page` in ARTIFACTS_DIR as `<name>.png`; returns its path. */
  screenshot(page: Page, name: string): Promise<string>;
  /** Closes the browser (bounded; the process is left to playwright's exit handler only if close hangs). */
  close(): Promise<void>;
}

/** base64(SHA-256(SubjectPublicKeyInfo)): the form --ignore-certificate-errors-spki-list takes. */
export function spkiHash(pem: string): string {
  const spki = new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("base64");
}

/** The command-line flags for `options` (exported so a test can see what is passed). */
export function chromiumArgs(options: ChromiumOptions = {}): string[] {
  // Root cannot use the setuid/namespace sandbox; containers have a small /dev/shm.
  const args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run", "--no-default-browser-check"];
  const rules = Object.entries(options.hostMap ?? {}).map(([name, address]) => {
    assertLoopback(address);
    return `MAP ${name} ${address}`;
  });
  if (rules.length) args.push(`--host-resolver-rules=${rules.join(", ")}`);
  if (options.trustCertificates?.length) args.push(`--ignore-certificate-errors-spki-list=${options.trustCertificates.map(spkiHash).join(",")}`);
  return args;
}

/** Watches `page` for failures and responses from now on. */
export function watchPage(page: Page): Omit<PageVisit, "status"> {
  const visit: Omit<PageVisit, "status"> = { page, failedRequests: [], consoleErrors: [], responses: [] };
  page.on("requestfailed", (r) => visit.failedRequests.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText ?? "failed"}`));
  page.on("response", (r) => {
    visit.responses.push({ url: r.url(), status: r.status() });
    if (r.status() >= 400) visit.failedRequests.push(`${r.request().method()} ${r.url()}: HTTP ${r.status()}`);
  });
  page.on("console", (m) => {
    if (m.type() === "error") visit.consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => visit.consoleErrors.push(`uncaught: ${e.message}`));
  return visit;
}

/** Every <img> of every frame of `page` that did not load or decode (its src). */
export async function brokenImages(page: Page): Promise<string[]> {
  const broken: string[] = [];
  for (const frame of page.frames()) {
    broken.push(...(await frame.$$eval("img", (imgs) => imgs.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src))));
  }
  return broken;
}

function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Launches headless Chromium; throws when /usr/bin/chromium is missing (check chromiumUnavailable() first). */
export async function launchChromium(options: ChromiumOptions = {}): Promise<ChromiumSession> {
  const missing = chromiumUnavailable();
  if (missing) throw new Error(missing);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: chromiumArgs(options),
    timeout: 30_000,
    // Keep the test runner's proxy variables away from loopback traffic.
    env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !/_proxy$/i.test(k))) as Record<string, string>,
  });
  const contexts = new Map<boolean, BrowserContext>();
  const contextFor = async (ignoreHTTPSErrors: boolean) => {
    let context = contexts.get(ignoreHTTPSErrors);
    if (!context) {
      context = await browser.newContext({ ignoreHTTPSErrors, viewport: { width: 1024, height: 768 } });
      context.setDefaultTimeout(timeoutMs);
      context.setDefaultNavigationTimeout(timeoutMs);
      contexts.set(ignoreHTTPSErrors, context);
    }
    return context;
  };
  const ignoreByDefault = options.ignoreCertificateErrors ?? false;
  const context = await contextFor(ignoreByDefault);
  const newPage = async (visitOptions: { ignoreCertificateErrors?: boolean } = {}) =>
    watchPage(await (await contextFor(visitOptions.ignoreCertificateErrors ?? ignoreByDefault)).newPage());
  return {
    context,
    newPage,
    async open(url, visitOptions) {
      const visit = await newPage(visitOptions);
      const response = await visit.page.goto(url, { waitUntil: "load" });
      return { ...visit, status: response?.status() };
    },
    async screenshot(page, name) {
      mkdirSync(ARTIFACTS_DIR, { recursive: true });
      const file = path.join(ARTIFACTS_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true, timeout: timeoutMs });
      return file;
    },
    async close() {
      await bounded(browser.close(), 10_000, "closing Chromium").catch(() => {});
    },
  };
}
