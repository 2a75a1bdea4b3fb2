/**
 * The TunnelDialer when OpenSSH's sshd is the relay: the agent's
 * streamlocal remote forward makes sshd create a unix socket at
 * `<socket dir>/<forward path>`, and a dial is a connection to it. sshd does
 * not tell us which agent's key made a socket; the forward path, random per
 * session and given only to that session's agent, is what ties the two.
 */
import { lstatSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import { createChannelBudget } from "./channel-budget.ts";
import { RELAY_LIMITS, type RelayLimits } from "./relay-limits.ts";
import { type ForwardPolicy, type TunnelDialer, TunnelUnavailableError } from "./tunnel-dialer.ts";

/** A forward path sshd may turn into a socket file: one plain name, no folders. */
const SOCKET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,79}$/;

/** Longest socket folder: a unix socket path has room for 107 bytes, the name takes up to 80 of them. */
export const MAX_SOCKET_DIR_LENGTH = 26;

/** `<socketDir>/<path>`, or undefined when `path` is not a plain name. */
export function sshdSocketPath(socketDir: string, path: string): string | undefined {
  return SOCKET_NAME.test(path) ? join(socketDir, path) : undefined;
}

export function createSshdTunnelDialer(
  socketDir: string,
  policy: ForwardPolicy,
  limits: Pick<RelayLimits, "maxChannelsPerForward" | "maxChannelsPerForwardTotal" | "channelOpenTimeoutMs"> = RELAY_LIMITS,
): TunnelDialer {
  const budget = createChannelBudget(limits.maxChannelsPerForward, limits.maxChannelsPerForwardTotal);
  const socketOf = (agentId: string, path: string) => (policy.allows(agentId, path) ? sshdSocketPath(socketDir, path) : undefined);
  const isSocket = (file: string) => {
    try {
      return lstatSync(file).isSocket();
    } catch {
      return false;
    }
  };
  return {
    isUp: (agentId, path) => {
      const file = socketOf(agentId, path);
      return file !== undefined && isSocket(file);
    },
    dial(agentId, path, signal) {
      const file = socketOf(agentId, path);
      if (signal?.aborted) return Promise.reject(new TunnelUnavailableError("the dial was aborted"));
      if (!file) return Promise.reject(new TunnelUnavailableError(`the tunnel of agent ${agentId} is not allowed`));
      const release = budget.take(`${agentId}\u0000${path}`);
      return new Promise<Duplex>((resolve, reject) => {
        const s = connect(file);
        const fail = (why: string) => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          s.destroy();
          release();
          reject(new TunnelUnavailableError(why));
        };
        const onAbort = () => fail("the dial was aborted");
        const timer = setTimeout(() => fail("sshd's socket did not answer in time"), limits.channelOpenTimeoutMs);
        signal?.addEventListener("abort", onAbort, { once: true });
        s.once("error", (e: NodeJS.ErrnoException) => fail(e.code === "ENOENT" || e.code === "ECONNREFUSED" ? `the tunnel of agent ${agentId} is not up` : e.message));
        s.once("connect", () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          s.removeAllListeners("error");
          s.on("error", () => {});
          s.once("close", release);
          resolve(s);
        });
      });
    },
  };
}
