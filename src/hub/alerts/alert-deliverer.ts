/**
 * Works through the due notices: sends each (a few at once), records what
 * came of it, and schedules a failed one again with a growing wait, up to
 * MAX_ATTEMPTS; then it is marked failed, visible in `alert list` and on its
 * channel. A notice cut short because the hub is stopping stays pending and
 * goes at the next start (a receiver may then see it twice: the delivery id
 * is the same, docs/alerts.md).
 */
import { DcaError } from "../../common/errors.ts";
import type { AlertStore, DueDelivery, SiteAdminStore } from "../store/index.ts";
import type { Notice } from "./alert-notice.ts";
import { type ChannelSender, scrub } from "./channel-sender.ts";

/** Attempts per notice before it is given up. */
export const MAX_ATTEMPTS = 5;
/** The wait after the n-th failed attempt (n = 1..MAX_ATTEMPTS-1). */
export const RETRY_DELAYS_MS: readonly number[] = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000];

/** What the deliverer needs. */
export interface DelivererDeps {
  store: Pick<AlertStore, "dueAlertDeliveries" | "finishAlertDelivery" | "getAlertRule"> & Pick<SiteAdminStore, "getSite">;
  send: ChannelSender;
  log: (line: string) => void;
}

/** What one pass did. */
export interface DeliveryResult {
  sent: number;
  retrying: number;
  failed: number;
}

/** The notice a queued delivery sends. */
export function noticeOf(store: DelivererDeps["store"], d: DueDelivery): Notice {
  const rule = store.getAlertRule(d.alert.ruleId);
  return {
    event: d.delivery.event,
    deliveryId: String(d.delivery.id),
    alert: d.alert,
    siteName: store.getSite(d.alert.siteId)?.name ?? d.alert.siteId,
    rule: rule ?? { kind: d.alert.kind, percent: 0, state: "", seconds: 0 },
  };
}

/** Sends the notices due at `nowMs` (at most `limit`, `concurrency` at a time). */
export async function deliverDue(deps: DelivererDeps, nowMs: number, opts: { limit: number; concurrency: number; signal?: AbortSignal; timeoutMs?: number }): Promise<DeliveryResult> {
  const due = deps.store.dueAlertDeliveries(nowMs, opts.limit);
  const out: DeliveryResult = { sent: 0, retrying: 0, failed: 0 };
  let i = 0;
  const worker = async () => {
    while (i < due.length && !opts.signal?.aborted) {
      const d = due[i++]!;
      try {
        await deps.send(d.channel, noticeOf(deps.store, d), { nowMs, signal: opts.signal, timeoutMs: opts.timeoutMs });
        deps.store.finishAlertDelivery(d.delivery.id, { ok: true });
        out.sent++;
      } catch (e) {
        const caught = DcaError.from(e);
        if (caught.code === "canceled" || opts.signal?.aborted) return;
        // Whatever sent it, a peer's error text never keeps the channel's secret.
        const err = { message: scrub(caught.message, d.channel.secret) };
        const attempt = d.delivery.attempts + 1;
        const retryAt = attempt < MAX_ATTEMPTS ? nowMs + RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length) - 1]! : undefined;
        deps.store.finishAlertDelivery(d.delivery.id, { ok: false, error: err.message, retryAt });
        if (retryAt === undefined) out.failed++;
        else out.retrying++;
        const then = retryAt === undefined ? "given up" : `next try ${new Date(retryAt).toISOString()}`;
        deps.log(`alert notice ${d.delivery.id} (${d.delivery.event}, alert ${d.alert.id}) to channel ${d.channel.name} failed, attempt ${attempt} of ${MAX_ATTEMPTS}: ${err.message}; ${then}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, due.length)) }, worker));
  return out;
}
