/**
 * MQTT broker URLs as the hub hands them out ("wss://hub.example:443/mqtt",
 * "mqtts://hub.example:8883"), turned into the option objects mqtt.js wants
 * (it warns about URL strings). Only TLS is accepted: the password is the
 * agent's secret.
 */
import { isIP } from "node:net";
import { DcaError } from "./errors.ts";

export interface BrokerAddress {
  protocol: "wss" | "mqtts";
  /** Host name or address (IPv6 without brackets). */
  host: string;
  port: number;
  /** The WebSocket path ("/mqtt"); "" for mqtts. */
  path: string;
  /** The URL as shown in logs: no user, no password, no query. */
  label: string;
}

const DEFAULT_PORTS = { wss: 443, mqtts: 8883 } as const;

/** Parses a broker URL; throws a DcaError `invalid-argument` saying what is allowed. */
export function parseBrokerUrl(text: string): BrokerAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new DcaError("invalid-argument", `"${text.slice(0, 200)}" is not a URL (expected wss://host:port/mqtt or mqtts://host:port)`);
  }
  const protocol = url.protocol.replace(/:$/, "");
  if (protocol !== "wss" && protocol !== "mqtts") {
    throw new DcaError("invalid-argument", `an MQTT broker URL must be wss:// or mqtts:// (got ${protocol}://): the agent's secret is its password`);
  }
  if (url.username || url.password) throw new DcaError("invalid-argument", "an MQTT broker URL must not carry a user or password");
  if (!url.hostname) throw new DcaError("invalid-argument", "the MQTT broker URL has no host");
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[protocol];
  const path = protocol === "wss" ? url.pathname || "/" : "";
  const shownHost = isIP(host) === 6 ? `[${host}]` : host;
  return { protocol, host, port, path, label: `${protocol}://${shownHost}:${port}${path}` };
}

/**
 * What every mqtt.js connection of ours starts from: the broker's address as
 * option fields, TLS verified against `caPem` (or the system roots), MQTT
 * 3.1.1 (what aedes speaks). Callers add login, timers and reconnection.
 */
export function tlsConnectOptions(address: BrokerAddress, caPem?: string) {
  return {
    protocol: address.protocol,
    host: address.host,
    port: address.port,
    path: address.path || undefined,
    servername: isIP(address.host) ? undefined : address.host,
    ca: caPem,
    rejectUnauthorized: true,
    protocolVersion: 4 as const,
  };
}
