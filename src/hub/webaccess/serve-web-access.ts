/**
 * Device Web Access as `startHub` runs it: the domain (and the certificate
 * name it needs), the proxy on the hub's port, and the settings file the
 * admin commands read. Without a relay's dialer, sessions can still be
 * opened, and their pages say that no tunnel can come up.
 */
import { X509Certificate } from "node:crypto";
import type { Clock } from "../../common/clock.ts";
import { type TunnelDialer, TunnelUnavailableError } from "../relay/tunnel-dialer.ts";
import type { WebAccessSession, WebAccessStore } from "../store/index.ts";
import type { PoolLimits } from "./upstream-pool.ts";
import type { ProxyRequest } from "./forward-request.ts";
import { type WebAccessProxy, createWebAccessProxy } from "./web-access-proxy.ts";
import { checkWebAccessDomain, defaultWebAccessDomain, writeWebAccessSettings } from "./web-access-settings.ts";

/** What `serve` (and tests) give startHub for web access. */
export interface WebAccessServeOptions {
  /** Sessions are served at `<label>.<domain>`; default "wa." + the hub's first host name. */
  domain?: string;
  /** The relay's dialer (src/hub/relay); absent, no tunnel ever comes up. */
  dialer?: TunnelDialer;
  /** A session ended: the relay drops its forward. */
  onEnded?: (s: WebAccessSession) => void;
  /** With OpenSSH sshd as the relay: where forward sockets are made. */
  socketDir?: string;
  /** The port technicians reach the hub on, when it differs from the listening one (NAT, a 443 forward). */
  publicPort?: number;
  pool?: Partial<PoolLimits>;
  sweepMs?: number;
  clock?: Clock;
}

/**
 * The domain to serve: the given one (an invalid one is an error), or the default from the
 * hub's names; undefined (web access off, said in the log) when no valid default can be made.
 */
export function webAccessDomainOf(o: WebAccessServeOptions, hostnames: readonly string[], log: (line: string) => void): string | undefined {
  if (o.domain !== undefined) return checkWebAccessDomain(o.domain);
  const d = defaultWebAccessDomain(hostnames);
  try {
    return checkWebAccessDomain(d);
  } catch {
    log(`web access off: "${d}" (from the hub's name) is no DNS name; give --web-access-domain`);
    return undefined;
  }
}

const NO_RELAY: TunnelDialer = {
  dial: () => Promise.reject(new TunnelUnavailableError("this hub runs no SSH relay")),
  isUp: () => false,
};

/**
 * Starts the proxy for a hub listening on `port`, writes the settings file, and
 * warns when the hub's certificate does not cover `*.<domain>` (an operator's own
 * certificate must: browsers refuse the session hosts otherwise).
 */
export function startWebAccess(a: {
  options: WebAccessServeOptions;
  domain: string;
  store: WebAccessStore;
  dataDir: string;
  port: number;
  certPem: string;
  hooks: { onAdmitted: (req: ProxyRequest) => void; onRefused: (req: ProxyRequest) => void };
  log: (line: string) => void;
}): WebAccessProxy {
  const port = a.options.publicPort ?? a.port;
  try {
    if (!new X509Certificate(a.certPem).checkHost(`session.${a.domain}`)) {
      a.log(`web access: the hub's certificate does not cover *.${a.domain}; browsers will refuse session pages (give a certificate naming *.${a.domain}, or --web-access-domain)`);
    }
  } catch {
    // Not a certificate we can read: the TLS server would have refused it first.
  }
  writeWebAccessSettings(a.dataDir, { domain: a.domain, port, socketDir: a.options.socketDir });
  return createWebAccessProxy({
    store: a.store,
    dialer: a.options.dialer ?? NO_RELAY,
    domain: a.domain,
    port,
    clock: a.options.clock,
    onEnded: a.options.onEnded,
    pool: a.options.pool,
    sweepMs: a.options.sweepMs,
    onAdmitted: a.hooks.onAdmitted,
    onRefused: a.hooks.onRefused,
    log: a.log,
  });
}
