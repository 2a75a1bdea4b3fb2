/**
 * Where `dca-hub login` keeps the session: one JSON file in the user's
 * config folder, mode 0600 (it holds a bearer token), written atomically.
 * DCA_HUB_SESSION names another file (scripts, tests, several hubs).
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { DcaError } from "../../common/errors.ts";
import { writeFileAtomic } from "../../common/write-file-atomic.ts";

/** A signed-in session (or an API token) and the hub it is for. */
export interface HubSession {
  /** https://hub.example:8443 */
  hub: string;
  /** The CA the hub's certificate must lead to (PEM); "" to use the system's trusted CAs. */
  ca: string;
  /** The bearer: a session token ("dcas_...") or an API token ("dcat_..."). */
  token: string;
  username: string;
  /** ISO time the session ends at the latest. */
  expiresAt: string;
}

/** The session file for this environment. */
export function sessionPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.DCA_HUB_SESSION) return env.DCA_HUB_SESSION;
  const base =
    process.platform === "win32" ? (env.APPDATA ?? join(homedir(), "AppData", "Roaming")) : env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "dca-hub", "session.json");
}

/** The saved session, or undefined when there is none. */
export function readSession(path: string): HubSession | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const s = JSON.parse(readFileSync(path, "utf8")) as Partial<HubSession>;
    if (typeof s.hub !== "string" || typeof s.token !== "string") throw new Error("missing hub or token");
    return { hub: s.hub, ca: s.ca ?? "", token: s.token, username: s.username ?? "", expiresAt: s.expiresAt ?? "" };
  } catch (e) {
    throw new DcaError("invalid-config", `the session file ${path} is damaged (${(e as Error).message}); sign in again with dca-hub login`);
  }
}

/** Saves the session (0600, its folder 0700). */
export function writeSession(path: string, s: HubSession): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileAtomic(path, `${JSON.stringify(s, null, 2)}\n`, 0o600);
}

/** Forgets the session; false when there was none. */
export function removeSession(path: string): boolean {
  if (!existsSync(path)) return false;
  rmSync(path, { force: true });
  return true;
}
