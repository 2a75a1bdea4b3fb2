/**
 * The embedded relay's bounds, in one place (listed with their reasons in
 * docs/web-access.md, "Relay"). An agent holds one SSH connection per
 * open session at most and never opens channels itself, so these only bite
 * on a flood or a dead peer.
 */
import { MAX_WEB_ACCESS_CHANNELS, MAX_WEB_ACCESS_CHANNELS_TOTAL } from "../../common/web-access.ts";

export interface RelayLimits {
  /** Connections at once, of every kind. */
  maxConnections: number;
  /** Connections that have not authenticated yet, at once; when full, the oldest goes for a new one. */
  maxUnauthenticated: number;
  /** Of those, from one client address (an IPv6 address counts by its /64); more are refused. */
  maxUnauthenticatedPerAddress: number;
  /** A connection not authenticated by then is closed. */
  authenticateWithinMs: number;
  /** Authentication requests on one connection before it is closed. */
  maxAuthAttempts: number;
  /** Connections of one agent at once; a new one closes the oldest (a dead one not yet noticed). */
  maxConnectionsPerAgent: number;
  /** Forwards one connection may hold. */
  maxForwardsPerConnection: number;
  /** Channels open at once through one forward; more dials are refused. */
  maxChannelsPerForward: number;
  /** Channels one forward opens over its life. */
  maxChannelsPerForwardTotal: number;
  /** How long the agent has to answer a channel open. */
  channelOpenTimeoutMs: number;
  /** A keepalive is sent after this long without a packet from the agent... */
  keepaliveIntervalMs: number;
  /** ...and the connection is dropped after this many unanswered in a row. */
  keepaliveCountMax: number;
  /** How often live forwards are checked against the store (agent revoked, session no longer open). */
  recheckIntervalMs: number;
}

/** What `dca-hub serve` runs with. */
export const RELAY_LIMITS: RelayLimits = {
  maxConnections: 4096,
  maxUnauthenticated: 256,
  maxUnauthenticatedPerAddress: 8,
  authenticateWithinMs: 15_000,
  maxAuthAttempts: 6,
  maxConnectionsPerAgent: 8,
  maxForwardsPerConnection: 16,
  maxChannelsPerForward: MAX_WEB_ACCESS_CHANNELS,
  maxChannelsPerForwardTotal: MAX_WEB_ACCESS_CHANNELS_TOTAL,
  channelOpenTimeoutMs: 10_000,
  keepaliveIntervalMs: 15_000,
  keepaliveCountMax: 3,
  recheckIntervalMs: 5_000,
};
