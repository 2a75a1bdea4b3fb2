import type { Duplex } from "node:stream";

/**
 * The seam between the SSH relay (src/hub/relay) and the web-access proxy
 * (src/hub/webaccess). The proxy knows sessions and HTTP; the relay knows SSH
 * connections. For each browser connection the proxy asks the dialer for a
 * byte stream that ends at the printer (the agent pipes it to the task's
 * address and port).
 *
 * Two real implementations: the embedded ssh2 relay opens a
 * `forwarded-streamlocal@openssh.com` channel on the agent's connection; with
 * OpenSSH's sshd as the relay, the dialer connects to the unix socket sshd
 * made for the agent's streamlocal forward. Tests of the proxy alone may use
 * a dialer that connects straight to a simulated printer.
 */
export interface TunnelDialer {
  /**
   * A stream through the tunnel of `agentId` that forwards `forwardPath`.
   * Rejects with a TunnelUnavailableError when that tunnel is not up (yet, or
   * any more); `signal` aborts a dial that waits for it.
   */
  dial(agentId: string, forwardPath: string, signal?: AbortSignal): Promise<Duplex>;
  /** Whether the tunnel is up now (the agent's forward request was accepted and its connection lives). */
  isUp(agentId: string, forwardPath: string): boolean;
}

/** Which forwards the relay may accept: the open web-access sessions, as the hub's store knows them. */
export interface ForwardPolicy {
  /** True when `agentId` has an open (not ended, not expired) session whose forward path is `forwardPath`. */
  allows(agentId: string, forwardPath: string): boolean;
}

/** The tunnel is not up: the agent has not connected yet, or it closed. */
export class TunnelUnavailableError extends Error {
  override readonly name = "TunnelUnavailableError";
}
