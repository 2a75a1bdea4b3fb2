/** Parses "host", "host:port", "[v6]:port" or a bare IPv6 address into host and port. */
import { isIP } from "node:net";
import { UsageError } from "./args.ts";

export interface Endpoint {
  host: string;
  port: number;
  /** True when host is a DNS name rather than an address. */
  isName: boolean;
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

export function parseEndpoint(input: string, defaultPort: number): Endpoint {
  let host = input.trim();
  let port = defaultPort;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(host);
  if (v6) {
    host = v6[1];
    if (v6[2]) port = Number(v6[2]);
  } else if (isIP(host) !== 6) {
    const m = /^(.*):(\d+)$/.exec(host);
    if (m) {
      host = m[1];
      port = Number(m[2]);
    }
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`bad port in "${input}" (1-65535)`);
  if (isIP(host)) return { host, port, isName: false };
  if (HOSTNAME.test(host)) return { host, port, isName: true };
  throw new UsageError(`"${input}" is not an address, host:port, [v6]:port or host name`);
}
