/**
 * Where the hub is and how its certificate is judged. Both come from the
 * operator (the activation command line), so mistakes are refused here with
 * a message that says what is allowed.
 */
import { isIP } from "node:net";
import { DcaError } from "../../common/errors.ts";

/** The hub as the transport dials it. */
export interface HubEndpoint {
  /** "https://host:port": what connect-node compares request URLs with. */
  origin: string;
  /** Host name or address (IPv6 without brackets). */
  host: string;
  port: number;
  /** The "host:port" a proxy is asked to CONNECT to (IPv6 in brackets). */
  authority: string;
  /** The SNI name; undefined for an address, which SNI cannot carry. */
  servername?: string;
  /** The URL to give createGrpcTransport (with any path prefix). */
  baseUrl: string;
}

/** Parses the hub URL: https only, a host, no user info. */
export function parseHubUrl(hubUrl: string): HubEndpoint {
  let url: URL;
  try {
    url = new URL(hubUrl);
  } catch {
    throw new DcaError("invalid-argument", "the hub URL is not a URL (expected https://host:port)");
  }
  if (url.protocol !== "https:") {
    throw new DcaError("invalid-argument", `the hub URL must use https:// (got ${url.protocol}//${url.host}): agents only talk to their hub over TLS`);
  }
  if (url.username || url.password) throw new DcaError("invalid-argument", "the hub URL must not carry a user or password");
  if (!url.hostname) throw new DcaError("invalid-argument", "the hub URL has no host");
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = url.port ? Number(url.port) : 443;
  return {
    origin: url.origin,
    host,
    port,
    authority: `${isIP(host) === 6 ? `[${host}]` : host}:${port}`,
    servername: isIP(host) ? undefined : host,
    baseUrl: `${url.origin}${url.pathname.replace(/\/+$/, "")}`,
  };
}

export { normalizeFingerprint } from "../../common/pinned-chain.ts";
