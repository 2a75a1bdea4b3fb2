/**
 * The hub's limits on connections to its API port (gRPC over HTTP/2, and
 * MQTT over WebSocket when the embedded broker is on), in one place; each is
 * listed with its reason in docs/security.md. Agents never see these: an
 * agent holds one connection and a few streams at a time.
 */
export interface ConnectionLimits {
  /** Connections at once, of every kind; also kept under the process's file limit (see fdReserve). */
  maxConnections: number;
  /** Connections at once from one client address (an IPv6 address counts by its /64). */
  maxPerAddress: number;
  /** Connections that have not yet made an authenticated call; when full, the oldest is closed for a new one. */
  maxUnauthenticated: number;
  /** Of those, from one client address; more are refused. */
  maxUnauthenticatedPerAddress: number;
  /** A TLS handshake not done by then is dropped. */
  handshakeTimeoutMs: number;
  /** A connection that has made no authenticated call by then (and is not MQTT) is closed. */
  authenticateWithinMs: number;
  /** A connection with no call in progress for this long is closed (agents close theirs after a minute). */
  idleTimeoutMs: number;
  /** SETTINGS_MAX_CONCURRENT_STREAMS: calls in progress on one connection; more are refused (REFUSED_STREAM). */
  maxStreamsPerConnection: number;
  /** A call still open after this is reset (agents give up on a call after 30 s). */
  streamDeadlineMs: number;
  /** File descriptors kept free beside the connections (store, MQTT listener, logs). */
  fdReserve: number;
}

/** What `dca-hub serve` runs with. */
export const CONNECTION_LIMITS: ConnectionLimits = {
  maxConnections: 8192,
  maxPerAddress: 256,
  maxUnauthenticated: 1024,
  maxUnauthenticatedPerAddress: 16,
  handshakeTimeoutMs: 10_000,
  authenticateWithinMs: 30_000,
  idleTimeoutMs: 90_000,
  maxStreamsPerConnection: 32,
  streamDeadlineMs: 60_000,
  fdReserve: 256,
};
