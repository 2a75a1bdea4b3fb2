/**
 * Which HTTP proxy (if any) carries the tunnel to the hub. Customer sites
 * often only let traffic out through one; its URL may carry a user and
 * password, which never leave this file except as a Proxy-Authorization
 * header: everywhere else the proxy is named by its `label`.
 */
import { isIP } from "node:net";
import type { HubEndpoint } from "./hub-endpoint.ts";
import { DcaError } from "../../common/errors.ts";

/** An HTTP proxy that accepts CONNECT. */
export interface ProxyEndpoint {
  host: string;
  port: number;
  /** "Basic ..." when the URL carries a user; a secret. */
  authorization?: string;
  /** The password alone, so that messages can be scrubbed of it; a secret. */
  password?: string;
  /** "http://host:port": how the proxy is named in errors, without user or password. */
  label: string;
}

/** Parses "http://[user:pass@]host[:port]" (the port defaults to 80); errors never quote the URL, which may hold a password. */
export function parseProxyUrl(proxyUrl: string): ProxyEndpoint {
  let url: URL;
  try {
    url = new URL(proxyUrl.includes("://") ? proxyUrl : `http://${proxyUrl}`);
  } catch {
    throw new DcaError("invalid-argument", "the proxy URL is not valid (expected http://[user:password@]host:port)");
  }
  const label = `${url.protocol}//${url.host}`;
  if (url.protocol !== "http:") throw new DcaError("invalid-argument", `the proxy ${label} must be an http:// proxy that accepts CONNECT`);
  if (!url.hostname) throw new DcaError("invalid-argument", "the proxy URL has no host");
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = url.port ? Number(url.port) : 80;
  const proxy: ProxyEndpoint = { host, port, label };
  if (url.username) {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    proxy.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
    if (password) proxy.password = password;
  }
  return proxy;
}

/** The environment variables that matter here. */
export type ProxyEnv = Record<string, string | undefined>;

/**
 * The proxy for the hub: the given one, else HTTPS_PROXY / https_proxy from
 * the environment unless NO_PROXY / no_proxy names the hub.
 */
export function chooseProxy(hub: HubEndpoint, given: { url: string } | undefined, env: ProxyEnv = process.env): ProxyEndpoint | undefined {
  if (given) return parseProxyUrl(given.url);
  const fromEnv = env.HTTPS_PROXY || env.https_proxy;
  if (!fromEnv) return undefined;
  if (noProxyMatches(env.NO_PROXY ?? env.no_proxy ?? "", hub.host, hub.port)) return undefined;
  return parseProxyUrl(fromEnv);
}

/**
 * Whether a NO_PROXY list (as curl reads it) exempts host:port: "*" exempts
 * everything; "example.com" and ".example.com" exempt the domain and every
 * name under it; an address matches itself; an entry may add ":port".
 */
export function noProxyMatches(noProxy: string, host: string, port: number): boolean {
  const name = host.toLowerCase().replace(/\.$/, "");
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === "*") return true;
    let entryPort: number | undefined;
    const withPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (withPort) {
      entry = withPort[1];
      entryPort = Number(withPort[2]);
    }
    entry = entry.replace(/^\[(.*)\]$/, "$1").replace(/^\*?\./, "").replace(/\.$/, "");
    if (entryPort !== undefined && entryPort !== port) continue;
    if (isIP(name) || isIP(entry)) {
      if (entry === name) return true;
      continue;
    }
    if (name === entry || name.endsWith(`.${entry}`)) return true;
  }
  return false;
}
