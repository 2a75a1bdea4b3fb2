/**
 * Where the hub keeps OIDC sign-ins it has started and not yet finished:
 * by state, each taken at most once (a replayed callback finds nothing),
 * each for a short while (a sign-in link left open does not stay valid),
 * and never more than a bound (starting sign-ins in a loop cannot fill the
 * hub's memory; the oldest go first). In memory: a hub restart ends the
 * sign-ins in flight, which then simply start again.
 */
import type { Clock } from "../../common/clock.ts";
import type { OidcPending } from "./oidc-sign-in.ts";

/** Sign-ins in flight. */
export interface OidcPendingStore {
  /** Keeps a started sign-in (with whatever the caller adds, e.g. where to go afterwards). */
  put<T extends OidcPending>(pending: T): void;
  /** The sign-in started with `state`, removed; undefined when unknown, taken already or expired. */
  take<T extends OidcPending = OidcPending>(state: string): T | undefined;
  /** Sign-ins kept now (expired ones included until the next put or take). */
  size(): number;
}

/** Options of createOidcPendingStore. */
export interface OidcPendingOptions {
  clock: Pick<Clock, "monotonic">;
  /** How long a started sign-in may take; default 10 minutes. */
  ttlMs?: number;
  /** At most this many at once; default 10,000. */
  max?: number;
}

/** A store of started OIDC sign-ins on `clock`. */
export function createOidcPendingStore(opts: OidcPendingOptions): OidcPendingStore {
  const ttlMs = opts.ttlMs ?? 600_000;
  const max = opts.max ?? 10_000;
  // A Map keeps insertion order: the first entries are the oldest.
  const kept = new Map<string, { pending: OidcPending; until: number }>();

  const sweep = (now: number) => {
    for (const [state, entry] of kept) {
      if (entry.until > now) break;
      kept.delete(state);
    }
  };

  return {
    put(pending) {
      const now = opts.clock.monotonic();
      sweep(now);
      kept.delete(pending.state);
      while (kept.size >= max) kept.delete(kept.keys().next().value!);
      kept.set(pending.state, { pending, until: now + ttlMs });
    },
    take<T extends OidcPending>(state: string): T | undefined {
      const now = opts.clock.monotonic();
      sweep(now);
      const entry = kept.get(state);
      if (!entry) return undefined;
      kept.delete(state);
      return entry.until > now ? (entry.pending as T) : undefined;
    },
    size: () => kept.size,
  };
}
