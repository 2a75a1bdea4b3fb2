/**
 * The agent's HTTP/2 line to its hub: TLS with the hub's CA or a pin, optionally through an HTTP CONNECT proxy.
 * The socket and proxy choice are exported too, for the wake-up line, which goes the same way.
 */
export { type HubTransport, type HubTransportOptions, createHubTransport } from "./create-hub-transport.ts";
export { type FetchHubCaOptions, type FetchedCa, fetchHubCa } from "./fetch-hub-ca.ts";
export { type HubEndpoint, normalizeFingerprint } from "./hub-endpoint.ts";
export { type HubTrust, openHubSocket } from "./hub-socket.ts";
export { type ProxyEndpoint, type ProxyEnv, chooseProxy } from "./proxy-config.ts";
export { type FetchedRange, type FileFetcher, type FileFetcherOptions, createFileFetcher } from "./create-file-fetcher.ts";
