/**
 * Device Web Access rules both sides enforce: which ports a session may
 * reach, its default and longest durations, and the bounds of one tunnel.
 * The hub refuses a session outside them when it is opened; the agent
 * applies them again to the task it is sent.
 */

/** Ports every site allows for web access; a site may allow more (AgentConfig.web_access_ports). */
export const DEFAULT_WEB_ACCESS_PORTS: readonly number[] = [80, 443, 8000];

/** Ports that are spoken to with TLS (the hub is the TLS client, through the tunnel). */
export const TLS_WEB_ACCESS_PORTS: readonly number[] = [443, 8443];

/** Session length: `web-access open --minutes` default and bounds. */
export const WEB_ACCESS_MINUTES = { default: 30, min: 1, max: 480 } as const;

/** Seconds without a byte either way before a tunnel closes (default, bounds). */
export const WEB_ACCESS_IDLE_SECONDS = { default: 300, min: 30, max: 3600 } as const;

/** Channels (browser TCP connections) open at once through one tunnel; more are refused. */
export const MAX_WEB_ACCESS_CHANNELS = 32;

/** Channels one tunnel accepts over its life; more are refused (a flood is bounded). */
export const MAX_WEB_ACCESS_CHANNELS_TOTAL = 10_000;

/** Whether a site lets web access reach `port`. */
export function isWebAccessPortAllowed(port: number, extraPorts: readonly number[]): boolean {
  return Number.isInteger(port) && port > 0 && port < 65536 &&
    (DEFAULT_WEB_ACCESS_PORTS.includes(port) || extraPorts.includes(port));
}
