/**
 * The wake-up line through the site's HTTP CONNECT proxy. mqtt.js cannot
 * tunnel, so the connection is made here: the same tunnel and TLS checks as
 * the gRPC line (openHubSocket, with ALPN http/1.1 for the WebSocket upgrade
 * or none for MQTT over TLS), then, for wss, the `ws` client on that socket.
 * mqtt.js gets the result as a plain Duplex.
 */
import { isIP } from "node:net";
import type { Duplex } from "node:stream";
import type { HubEndpoint, HubTrust, ProxyEndpoint } from "../transport/index.ts";
import { openHubSocket } from "../transport/index.ts";
import type { BrokerAddress } from "../../common/broker-url.ts";
import { openWebSocket } from "./open-web-socket.ts";

export interface OpenBrokerStreamOptions {
  address: BrokerAddress;
  proxy: ProxyEndpoint;
  trust: HubTrust;
  /** For the tunnel, TLS and the WebSocket upgrade together. */
  timeoutMs: number;
}

/** The broker (or the web-access relay) as the transport's endpoint type, which is what the proxy choice and openHubSocket take. */
export function brokerEndpoint(address: Pick<BrokerAddress, "host" | "port">): HubEndpoint {
  const shownHost = isIP(address.host) === 6 ? `[${address.host}]` : address.host;
  const authority = `${shownHost}:${address.port}`;
  return {
    origin: `https://${authority}`,
    host: address.host,
    port: address.port,
    authority,
    servername: isIP(address.host) ? undefined : address.host,
    baseUrl: `https://${authority}`,
  };
}

/**
 * Resolves to a byte stream on which MQTT can start, or fails with an
 * Error naming the step (proxy, TLS, pin, upgrade); never quotes the
 * proxy's password.
 */
export async function openBrokerStream(opts: OpenBrokerStreamOptions): Promise<Duplex> {
  const { address } = opts;
  const started = Date.now();
  const wss = address.protocol === "wss";
  const socket = await openHubSocket({
    hub: brokerEndpoint(address),
    proxy: opts.proxy,
    trust: opts.trust,
    timeoutMs: opts.timeoutMs,
    // The hub's port answers h2 by default; the upgrade needs HTTP/1.1. Its MQTT/TLS port needs nothing.
    alpn: wss ? { offer: ["http/1.1"], expect: "http/1.1" } : { offer: [] },
  });
  if (!wss) return socket;
  return openWebSocket(socket, {
    authority: brokerEndpoint(address).authority,
    path: address.path,
    protocol: "mqtt",
    timeoutMs: Math.max(1, opts.timeoutMs - (Date.now() - started)),
  });
}
