/** The agent's HTTP/2 line to its hub: TLS with the hub's CA or a pin, optionally through an HTTP CONNECT proxy. */
export { type HubTransport, type HubTransportOptions, createHubTransport } from "./create-hub-transport.ts";
export { type FetchHubCaOptions, type FetchedCa, fetchHubCa } from "./fetch-hub-ca.ts";
export { normalizeFingerprint } from "./hub-endpoint.ts";
