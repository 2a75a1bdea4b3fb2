/**
 * Where the serving hub publishes web-access sessions, written by `serve`
 * into the data folder so that the admin commands (other processes) print
 * session URLs the running hub answers, and make forward paths in the
 * directory its relay uses. The domain's wildcard must be covered by the
 * hub's certificate and resolve to the hub (docs/web-access.md).
 */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { isIP } from "node:net";
import { DcaError } from "../../common/errors.ts";
import { writeFileAtomic } from "../../common/write-file-atomic.ts";

/** File name inside the data folder. */
export const WEB_ACCESS_SETTINGS_FILE = "web-access.json";

/** What `serve` tells the admin commands. */
export interface WebAccessSettings {
  /** Sessions are served at `<label>.<domain>`. */
  domain: string;
  /** The hub's HTTPS port as technicians reach it (443 is left out of URLs). */
  port: number;
  /** With OpenSSH sshd as the relay: the directory its forward sockets are made in. */
  socketDir?: string;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * The default web-access domain: "wa." before the hub's first host name (not an address,
 * not "localhost"), else before this machine's name. A certificate's wildcard covers one
 * label, so `*.wa.hub.example.com` covers every session of `wa.hub.example.com`.
 */
export function defaultWebAccessDomain(hostnames: readonly string[]): string {
  const name = hostnames.find((h) => !isIP(h.replace(/^\[|\]$/g, "")) && h !== "localhost") ?? hostname();
  return `wa.${name.toLowerCase().replace(/\.$/, "")}`;
}

/** A domain as sessions use it (lower case), or an invalid-argument error naming the rule. */
export function checkWebAccessDomain(domain: string): string {
  const d = domain.toLowerCase().replace(/\.$/, "");
  const labels = d.split(".");
  // Two labels at least: the certificate's wildcard "*.<domain>" then has three, as TLS clients require.
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || d.length > 200) {
    throw new DcaError("invalid-argument", `--web-access-domain "${domain}" is not a DNS name of two labels or more (e.g. wa.hub.example.com)`);
  }
  return d;
}

/** The origin of a session: `https://<label>.<domain>[:port]`. */
export function sessionOrigin(label: string, settings: Pick<WebAccessSettings, "domain" | "port">): string {
  return `https://${label}.${settings.domain}${settings.port === 443 ? "" : `:${settings.port}`}`;
}

/** The session label a request's Host names, or undefined when it is not under `domain`. */
export function sessionLabelOf(host: string | undefined, domain: string): string | undefined {
  if (!host) return undefined;
  const name = host.toLowerCase().replace(/:\d+$/, "").replace(/\.$/, "");
  if (!name.endsWith(`.${domain}`)) return undefined;
  const label = name.slice(0, -domain.length - 1);
  return LABEL.test(label) ? label : undefined;
}

/** Writes the settings for the admin commands (serve does, at start). */
export function writeWebAccessSettings(dataDir: string, s: WebAccessSettings): void {
  writeFileAtomic(join(dataDir, WEB_ACCESS_SETTINGS_FILE), `${JSON.stringify(s)}\n`);
}

/** The settings the serving hub wrote, or a failed-precondition error saying what to do. */
export function readWebAccessSettings(dataDir: string): WebAccessSettings {
  let text: string;
  try {
    text = readFileSync(join(dataDir, WEB_ACCESS_SETTINGS_FILE), "utf8");
  } catch {
    throw new DcaError("failed-precondition", `the hub has not served web access from ${dataDir} yet; start "dca-hub serve" (it writes ${WEB_ACCESS_SETTINGS_FILE}), then open the session again`);
  }
  const v = JSON.parse(text) as WebAccessSettings;
  if (typeof v.domain !== "string" || typeof v.port !== "number") throw new DcaError("data-loss", `${join(dataDir, WEB_ACCESS_SETTINGS_FILE)} is damaged; restart "dca-hub serve" to write it again`);
  return v;
}
