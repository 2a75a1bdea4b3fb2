/**
 * Which hub an admin command talks to, as whom: `--hub URL` with an API
 * token (DCA_HUB_TOKEN or --token-file F) and its CA (--ca FILE or
 * DCA_HUB_CA), or else the session `dca-hub login` saved.
 */
import { readFileSync } from "node:fs";
import { type ParsedArgs, UsageError, flag } from "../../common/args.ts";
import { DcaError } from "../../common/errors.ts";
import { type HubSession, readSession, sessionPath } from "./hub-session.ts";

/** The flags every remote command takes besides its own. */
export const TARGET_VALUED = ["hub", "ca", "token-file"] as const;

/** A command's flags with the target flags added. */
export function withTargetFlags(c: { valued?: readonly string[]; booleans?: readonly string[] }): { valued: string[]; booleans: string[] } {
  return { valued: [...(c.valued ?? []), ...TARGET_VALUED], booleans: [...(c.booleans ?? [])] };
}

function readFileFlag(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The hub, CA and bearer for this command. */
export function adminTarget(p: ParsedArgs, env: Readonly<Record<string, string | undefined>>): Pick<HubSession, "hub" | "ca" | "token"> {
  const hub = flag(p, "hub") ?? env.DCA_HUB_URL;
  const tokenFile = flag(p, "token-file");
  const token = tokenFile ? readFileFlag(tokenFile, "--token-file").trim() : env.DCA_HUB_TOKEN;
  if (token) {
    if (!hub) throw new UsageError("an API token needs the hub: give --hub https://HUB:8443 or set DCA_HUB_URL");
    const caFile = flag(p, "ca") ?? env.DCA_HUB_CA;
    return { hub: hubUrl(hub), ca: caFile ? readFileFlag(caFile, "--ca") : "", token };
  }
  const path = sessionPath(env);
  const session = readSession(path);
  if (!session) {
    throw new DcaError("unauthenticated", `not signed in to a hub (no session in ${path}); run dca-hub login --hub https://HUB:8443 --ca CA.pem, or set DCA_HUB_TOKEN and DCA_HUB_URL`);
  }
  if (hub && hubUrl(hub) !== session.hub) throw new UsageError(`the session in ${path} is for ${session.hub}, not ${hub}; sign in to that hub with dca-hub login --hub ${hub}`);
  return session;
}

/** A hub URL as sessions keep it: https, no trailing slash. */
export function hubUrl(text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UsageError(`--hub must be a URL such as https://hub.example:8443, got "${text}"`);
  }
  if (u.protocol !== "https:") throw new UsageError(`--hub must be an https:// URL (the hub only speaks TLS), got "${text}"`);
  return `${u.protocol}//${u.host}`;
}
