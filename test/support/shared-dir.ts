/**
 * Locates the external test data in `shared/`, which lives beside the repository
 * (`<repo>/../shared`) and is never copied into it: the LibreNMS recordings there are
 * GPL-3.0. Tests that need it skip, with a printed reason, when it is absent.
 */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The repository root (two levels above this file). */
export const repoRoot: string = resolve(dirname(new URL(import.meta.url).pathname), "..", "..");

/** `<repo>/../shared`, or `SHARED_DIR` when set; undefined when the folder is missing. */
export function findSharedDir(): string | undefined {
  const dir = process.env.SHARED_DIR ? resolve(process.env.SHARED_DIR) : resolve(repoRoot, "..", "shared");
  return existsSync(dir) ? dir : undefined;
}

/** What `shared/fixtures/printers` offers, or why it cannot be used. */
export type PrinterRecordings =
  | { ok: true; dir: string; names: string[] }
  | { ok: false; reason: string };

/**
 * The LibreNMS printer recordings: one name per `<name>.expected.json`, sorted.
 * Context companions (`<name>@<context>.snmprec`) are served but are not recordings of
 * their own.
 */
export function findPrinterRecordings(): PrinterRecordings {
  const shared = findSharedDir();
  if (!shared) {
    return { ok: false, reason: `no shared/ folder at ${resolve(repoRoot, "..", "shared")} (set SHARED_DIR to override)` };
  }
  const dir = join(shared, "fixtures", "printers");
  if (!existsSync(dir)) return { ok: false, reason: `${dir} does not exist` };
  const names = readdirSync(dir)
    .filter((f) => f.endsWith(".expected.json"))
    .map((f) => f.slice(0, -".expected.json".length))
    .filter((n) => existsSync(join(dir, `${n}.snmprec`)))
    .sort();
  if (names.length === 0) return { ok: false, reason: `${dir} holds no <name>.expected.json + <name>.snmprec pairs` };
  return { ok: true, dir, names };
}

/** Prints why a suite is skipped, once, so a skipped run says so in the log. */
export function announceSkip(suite: string, reason: string): void {
  console.warn(`[skip] ${suite}: ${reason}`);
}
