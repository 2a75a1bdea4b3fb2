/**
 * Opening a session for a technician: which device (by id or address), which
 * port the site allows, how long, and the URL with its key. The store then
 * queues the task (scope-checked like every task) in the same transaction;
 * the hub's task notifier nudges the agent.
 */
import { parseEndpoint } from "../../common/endpoint.ts";
import { DcaError } from "../../common/errors.ts";
import { TLS_WEB_ACCESS_PORTS, WEB_ACCESS_IDLE_SECONDS, WEB_ACCESS_MINUTES, isWebAccessPortAllowed, DEFAULT_WEB_ACCESS_PORTS } from "../../common/web-access.ts";
import { hashSecret } from "../store/ids.ts";
import type { AdminStore, DeviceSummary, Site, WebAccessSession } from "../store/index.ts";
import { newForwardPath, newSessionLabel, newSessionSecret } from "./session-secrets.ts";
import { type WebAccessSettings, sessionOrigin } from "./web-access-settings.ts";

/** What the technician asks for. */
export interface OpenRequest {
  /** A device id, or its address. */
  device: string;
  /** Only needed when the address is known in more than one site, or is not a known device. */
  site?: Site;
  port?: number;
  /** Force TLS on or off (default: on for 443 and 8443). */
  tls?: boolean;
  minutes?: number;
  idleSeconds?: number;
  concurrent?: boolean;
  openedBy: string;
  /** Refuses (throws) when the opener may not use web access on the device's site: called before anything about the site is checked or said. */
  authorize?: (siteId: string) => void;
}

/** A session just opened, with its secret URL (shown once; only its hash is kept). */
export interface OpenedSession {
  session: WebAccessSession;
  url: string;
  device?: DeviceSummary;
}

type OpenStore = Pick<AdminStore, "getDevice" | "listDevices" | "getSiteConfig" | "openWebAccessSession">;

/** The host part of a device address ("10.0.0.7:1161" -> "10.0.0.7"). */
export function deviceHost(address: string): string {
  return parseEndpoint(address, 161).host;
}

function findDevice(store: OpenStore, r: OpenRequest): { siteId: string; address: string; device?: DeviceSummary } {
  const byId = store.getDevice(r.device);
  if (byId) return { siteId: byId.siteId, address: deviceHost(byId.address), device: byId };
  let host: string;
  try {
    host = deviceHost(r.device);
  } catch {
    throw new DcaError("not-found", `"${r.device}" is neither a device id nor one address; see "dca-hub device list"`);
  }
  const matches = store.listDevices({ siteId: r.site?.id }).filter((d) => d.address && deviceHost(d.address) === host);
  if (matches.length === 1) return { siteId: matches[0].siteId, address: host, device: matches[0] };
  if (matches.length > 1) throw new DcaError("failed-precondition", `${host} is a device of ${matches.length} sites; name one with --site`);
  if (r.site) return { siteId: r.site.id, address: host };
  throw new DcaError("not-found", `no known device at ${host}; give the device id (dca-hub device list), or --site SITE for an address inside its targets`);
}

function bounded(v: number | undefined, b: { default: number; min: number; max: number }, flag: string): number {
  if (v === undefined) return b.default;
  if (!Number.isInteger(v) || v < b.min || v > b.max) throw new DcaError("invalid-argument", `--${flag} must be from ${b.min} to ${b.max} (default ${b.default}), got ${v}`);
  return v;
}

/** Opens a session (refusals are one-line DcaErrors saying what to do). */
export function openWebAccess(store: OpenStore, settings: WebAccessSettings, r: OpenRequest): OpenedSession {
  const minutes = bounded(r.minutes, WEB_ACCESS_MINUTES, "minutes");
  const idleSeconds = bounded(r.idleSeconds, WEB_ACCESS_IDLE_SECONDS, "idle");
  const { siteId, address, device } = findDevice(store, r);
  r.authorize?.(siteId);
  const config = store.getSiteConfig(siteId);
  if (config.webAccessDisabled) throw new DcaError("failed-precondition", "web access is off for this site; a hub admin turns it on with \"dca-hub site set-web-access SITE --on\"");
  const port = r.port ?? 80;
  if (!isWebAccessPortAllowed(port, config.webAccessPorts)) {
    const allowed = [...DEFAULT_WEB_ACCESS_PORTS, ...config.webAccessPorts].join(", ");
    throw new DcaError("failed-precondition", `port ${port} is not allowed for web access at this site (allowed: ${allowed}); add it with "dca-hub site set-web-access SITE --ports ..."`);
  }
  const secret = newSessionSecret();
  const session = store.openWebAccessSession({
    siteId,
    deviceId: device?.id,
    address,
    port,
    tls: r.tls ?? TLS_WEB_ACCESS_PORTS.includes(port),
    label: newSessionLabel(),
    secretHash: hashSecret(secret),
    forwardPath: newForwardPath(settings.socketDir),
    openedBy: r.openedBy,
    minutes,
    idleSeconds,
    concurrent: r.concurrent ?? false,
  });
  return { session, url: `${sessionOrigin(session.label, settings)}/?key=${secret}`, device };
}
