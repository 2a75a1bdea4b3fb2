/**
 * How many channels (browser connections) one tunnel may carry: a bound at
 * once and over its life, shared by both dialers, so a flood of requests to a
 * session cannot pile up channels on an agent's uplink.
 */
import { TunnelUnavailableError } from "./tunnel-dialer.ts";

export interface ChannelBudget {
  /** Counts a channel for `key`; the returned function gives it back (once). Throws TunnelUnavailableError when over. */
  take(key: string): () => void;
  /** Forgets `key` (its tunnel is gone; a new one starts with a fresh budget). */
  forget(key: string): void;
}

/** A budget of `atOnce` open channels and `total` over the life of each key. */
export function createChannelBudget(atOnce: number, total: number): ChannelBudget {
  const counts = new Map<string, { open: number; total: number }>();
  return {
    take(key) {
      const c = counts.get(key) ?? counts.set(key, { open: 0, total: 0 }).get(key)!;
      if (c.open >= atOnce) throw new TunnelUnavailableError(`the tunnel already carries ${atOnce} connections at once; try again when some are done`);
      if (c.total >= total) throw new TunnelUnavailableError(`the tunnel has carried ${total} connections, its limit; open a new session`);
      c.open++;
      c.total++;
      let given = false;
      return () => {
        if (given) return;
        given = true;
        c.open--;
      };
    },
    forget(key) {
      counts.delete(key);
    },
  };
}
