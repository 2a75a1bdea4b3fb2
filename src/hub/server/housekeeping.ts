/**
 * The hub's own chores for people and the audit log, run at start and then
 * every hour: disable accounts unused for longer than the inactivity limit
 * (and end their sessions and tokens' use: the door refuses disabled users),
 * and delete audit records older than the retention (the chain's anchor is
 * kept, docs/security.md "Audit log"). Each one done is in the audit log.
 */
import { type Clock, systemClock } from "../../common/clock.ts";
import { DcaError } from "../../common/errors.ts";
import { DEFAULT_SIGN_IN_SETTINGS } from "../accounts/index.ts";
import type { HubStore } from "../store/index.ts";

/** How often the chores run. */
export const HOUSEKEEPING_EVERY_MS = 60 * 60_000;

const DAY_MS = 86_400_000;

/** One round of chores; what it did, for the log. */
export function housekeepOnce(store: HubStore, nowMs: number): { disabled: string[]; auditDeleted: number } {
  const settings = store.getSecuritySettings();
  const days = settings.inactivityDays ?? DEFAULT_SIGN_IN_SETTINGS.inactivityDays;
  const disabled = store.disableUsersInactiveSince(new Date(nowMs - days * DAY_MS));
  for (const u of disabled) {
    store.revokeAllSessions(u.id, `inactive for ${days} days`);
    store.appendAudit({ actor: "hub", via: "housekeeping", action: "DisableInactiveUser", target: `user ${u.username}`, outcome: "ok", detail: { inactivityDays: days } });
  }
  const pruned = store.pruneAudit(settings.auditRetentionDays, { actor: "hub", via: "retention" });
  return { disabled: disabled.map((u) => u.username), auditDeleted: pruned.deleted };
}

/** Runs the chores now and every hour on `clock`; returns the stop function. */
export function startHousekeeping(store: HubStore, log: (line: string) => void, clock: Clock = systemClock): () => void {
  let cancel = () => {};
  let stopped = false;
  const round = () => {
    if (stopped) return;
    try {
      const r = housekeepOnce(store, clock.now());
      if (r.disabled.length) log(`disabled for inactivity: ${r.disabled.join(", ")}`);
      if (r.auditDeleted) log(`audit log: ${r.auditDeleted} records past the retention deleted`);
    } catch (e) {
      log(`housekeeping failed: ${DcaError.from(e).message}`);
    }
    cancel = clock.setTimer(round, HOUSEKEEPING_EVERY_MS);
  };
  round();
  return () => {
    stopped = true;
    cancel();
  };
}
