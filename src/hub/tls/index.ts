/** The hub's TLS identity: its own CA and server certificate, or an operator's. */
export { type HubTls, type HubTlsOptions, certificateFingerprint, defaultHubHostnames, ensureHubTls } from "./ensure-hub-tls.ts";
export { hubTrustHint } from "./hub-trust-hint.ts";
