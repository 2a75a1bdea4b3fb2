/**
 * The start of `dca run` after an update (the marker, update-state.ts): the
 * first start of the new version begins its trial, which ends well at its
 * first successful poll (markHealthy) and badly when the health time runs
 * out or the version starts a second time without having reached the hub
 * (it crashed, or was stopped, before): then the previous executable comes
 * back (rollBack) and the hub hears why in the next poll.
 */
import { restorePrevious } from "./swap-executable.ts";
import type { PendingUpdate, UpdateState } from "./update-state.ts";

/** What this start is: a plain one, the trial of a new version, or one that has just rolled back. */
export type StartKind = { kind: "normal" } | { kind: "trial"; pending: PendingUpdate } | { kind: "rolled-back"; reason: string };

/** Reads and advances the marker for a start of `version` running from `exe`. */
export function beginStart(state: UpdateState, exe: string, version: string): StartKind {
  const pending = state.pending();
  if (!pending) return { kind: "normal" };
  if (pending.to !== version) {
    // The swap never completed, or someone put another file in place: nothing to judge.
    state.clearPending();
    state.note(`the update from ${pending.from} to ${pending.to} did not take effect; running ${version}`);
    return { kind: "normal" };
  }
  if (pending.starts >= 1) return { kind: "rolled-back", reason: rollBack(state, exe, pending, "it stopped before it reached the hub") };
  const started = { ...pending, starts: pending.starts + 1 };
  state.setPending(started);
  return { kind: "trial", pending: started };
}

/** Puts the previous executable back and records why; returns the status line. */
export function rollBack(state: UpdateState, exe: string, pending: PendingUpdate, reason: string): string {
  const restored = restorePrevious(exe);
  const status = restored
    ? `rolled back from ${pending.to} to ${pending.from}: ${reason}`
    : `${pending.to} failed (${reason}) and no previous executable was found to roll back to`;
  state.note(status, pending.sha256);
  state.clearPending();
  return status;
}

/** The trial's end: the new version reached the hub `ms` after it started. */
export function markHealthy(state: UpdateState, pending: PendingUpdate, ms: number): string {
  const status = `updated from ${pending.from} to ${pending.to}; it reached the hub ${(ms / 1000).toFixed(1)} s after it started`;
  state.note(status);
  state.clearPending();
  return status;
}
