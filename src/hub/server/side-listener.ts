/**
 * A service the hub runs beside its HTTPS port (the MQTT broker's MQTT/TLS port, the SSH relay's
 * port): where it listens, whether that address is only the default, and what agents are told.
 * Both also answer as a WebSocket on the hub's own port, so the side port is optional.
 */
export interface SideListenerOptions {
  /** Its own TCP port; undefined: the WebSocket on the hub's port only. */
  listen?: { host: string; port: number };
  /** The listen address is the default one: if it is taken or not allowed, go on without it instead of failing. */
  listenIsDefault?: boolean;
  /** What agents are told; empty: derived from how each agent reached the hub. */
  publicUrls: string[];
}
