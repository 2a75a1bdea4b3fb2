/**
 * The streamlocal forwards the embedded relay holds, by agent and path, and
 * the TunnelDialer over them: each dial opens a
 * `forwarded-streamlocal@openssh.com` channel on the agent's SSH connection.
 * Whether the forward is still allowed (agent not revoked, session open) is
 * asked again at every dial, so a stale forward never carries a byte.
 */
import type { Duplex } from "node:stream";
import type { Connection } from "ssh2";
import { type ChannelBudget, createChannelBudget } from "./channel-budget.ts";
import type { RelayLimits } from "./relay-limits.ts";
import { type TunnelDialer, TunnelUnavailableError } from "./tunnel-dialer.ts";

interface Forward {
  agentId: string;
  path: string;
  conn: Connection;
  channels: Set<Duplex>;
}

export interface ForwardTable {
  /** Holds `path` for `agentId` on `conn`; an earlier forward of the same path (an older connection) is dropped. */
  add(agentId: string, path: string, conn: Connection): void;
  /** Drops the forward (and closes its channels); with `conn`, only if that connection holds it. */
  end(agentId: string, path: string, conn?: Connection): boolean;
  /** Drops every forward of `conn` (it closed). */
  dropConnection(conn: Connection): void;
  /** Forwards `conn` holds. */
  countOf(conn: Connection): number;
  /** Every forward, for the periodic re-check. */
  list(): { agentId: string; path: string }[];
  dialer: TunnelDialer;
}

const keyOf = (agentId: string, path: string) => `${agentId}\u0000${path}`;

/** `allowed` is asked at each dial; `limits` bound channels and the wait for the agent. */
export function createForwardTable(
  limits: Pick<RelayLimits, "maxChannelsPerForward" | "maxChannelsPerForwardTotal" | "channelOpenTimeoutMs">,
  allowed: (agentId: string, path: string) => boolean,
): ForwardTable {
  const forwards = new Map<string, Forward>();
  const budget: ChannelBudget = createChannelBudget(limits.maxChannelsPerForward, limits.maxChannelsPerForwardTotal);

  function end(agentId: string, path: string, conn?: Connection): boolean {
    const key = keyOf(agentId, path);
    const f = forwards.get(key);
    if (!f || (conn && f.conn !== conn)) return false;
    forwards.delete(key);
    budget.forget(key);
    for (const ch of f.channels) ch.destroy();
    return true;
  }

  function openChannel(f: Forward, release: () => void, signal?: AbortSignal): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        release();
        reject(new TunnelUnavailableError(why));
      };
      const onAbort = () => fail("the dial was aborted");
      const timer = setTimeout(() => fail("the agent did not answer the channel open in time"), limits.channelOpenTimeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      f.conn.openssh_forwardOutStreamLocal(f.path, (err, channel) => {
        if (settled || err || forwards.get(keyOf(f.agentId, f.path)) !== f) {
          channel?.destroy();
          fail(err ? `the agent refused the channel (${err.message})` : "the tunnel closed");
          return;
        }
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        f.channels.add(channel);
        const done = () => {
          f.channels.delete(channel);
          release();
        };
        channel.once("close", done);
        // ssh2's channel.destroy() only sends CLOSE; its 'close' waits until someone reads to the
        // end, which a proxy that gave up on the browser never does: the channel counts as gone now.
        const destroy = channel.destroy.bind(channel);
        channel.destroy = () => {
          done();
          channel.resume();
          return destroy();
        };
        resolve(channel);
      });
    });
  }

  return {
    add(agentId, path, conn) {
      end(agentId, path);
      forwards.set(keyOf(agentId, path), { agentId, path, conn, channels: new Set() });
    },
    end,
    dropConnection(conn) {
      for (const f of [...forwards.values()]) if (f.conn === conn) end(f.agentId, f.path);
    },
    countOf(conn) {
      let n = 0;
      for (const f of forwards.values()) if (f.conn === conn) n++;
      return n;
    },
    list: () => [...forwards.values()].map(({ agentId, path }) => ({ agentId, path })),
    dialer: {
      async dial(agentId, path, signal) {
        if (signal?.aborted) throw new TunnelUnavailableError("the dial was aborted");
        const f = forwards.get(keyOf(agentId, path));
        if (!f) throw new TunnelUnavailableError(`the tunnel of agent ${agentId} is not up`);
        if (!allowed(agentId, path)) {
          end(agentId, path);
          throw new TunnelUnavailableError(`the tunnel of agent ${agentId} is no longer allowed`);
        }
        return openChannel(f, budget.take(keyOf(agentId, path)), signal);
      },
      isUp: (agentId, path) => forwards.has(keyOf(agentId, path)),
    },
  };
}
