/**
 * The notices queue: which notices are due, and what became of an attempt.
 * A resolved notice waits while its alert's opened notice to the same
 * channel is still being retried, so a receiver never hears "resolved"
 * before "opened". Each attempt's outcome is kept on the notice and on its
 * channel (last success, last error), where the API shows it.
 */
import { settingsOf } from "./alert-config.ts";
import { ALERT_SELECT, type AlertRow, DELIVERY_SELECT, type DeliveryRow, toAlert, toDelivery } from "./alert-instances.ts";
import type { DeliveryOutcome, DueDelivery } from "./alert-types.ts";
import type { StoreContext } from "./store-context.ts";

/** Longest error kept on a notice or a channel. */
const MAX_ERROR = 500;

/** The notice methods of the store. */
export function createAlertDeliveries(ctx: StoreContext) {
  const { db } = ctx;

  return {
    /** Pending notices due at `nowMs`, oldest first, at most `limit`, each with its alert and its channel's secret. */
    dueAlertDeliveries(nowMs: number, limit: number): DueDelivery[] {
      return ctx.read(() => {
        const rows = db
          .query<DeliveryRow, [number, number]>(
            `${DELIVERY_SELECT} WHERE d.state = 'pending' AND d.next_at <= ?
             AND NOT (d.event = 'resolved' AND EXISTS (SELECT 1 FROM alert_deliveries o
               WHERE o.alert_id = d.alert_id AND o.channel_id = d.channel_id AND o.event = 'opened' AND o.state = 'pending'))
             ORDER BY d.next_at, d.id LIMIT ?`,
          )
          .all(nowMs, limit);
        return rows.map((d) => {
          const a = db.query<AlertRow, [string]>(`${ALERT_SELECT} WHERE a.id = ?`).get(d.alert_id)!;
          const c = db.query<{ id: string; name: string; kind: string; settings: string; secret: string }, [string]>("SELECT * FROM alert_channels WHERE id = ?").get(d.channel_id)!;
          return {
            delivery: toDelivery(d),
            alert: toAlert(a, []),
            channel: { id: c.id, name: c.name, settings: settingsOf(c.kind, c.settings), secret: c.secret },
          };
        });
      });
    },

    /** Records one attempt: sent, retried at `retryAt`, or failed for good (no retryAt). */
    finishAlertDelivery(id: number, outcome: DeliveryOutcome): void {
      ctx.write(() => {
        const now = ctx.now().getTime();
        const d = db.query<{ alert_id: string; channel_id: string; state: string }, [number]>("SELECT alert_id, channel_id, state FROM alert_deliveries WHERE id = ?").get(id);
        // Deleted with its channel, or given up when its rule was deleted, while it was being sent.
        if (!d || d.state !== "pending") return;
        if (outcome.ok) {
          db.run("UPDATE alert_deliveries SET state = 'sent', attempts = attempts + 1, sent_at = ?, last_error = '' WHERE id = ?", [now, id]);
          db.run("UPDATE alert_channels SET last_ok_at = ? WHERE id = ?", [now, d.channel_id]);
          db.run("UPDATE alerts SET last_notified_at = ? WHERE id = ?", [now, d.alert_id]);
          return;
        }
        const error = outcome.error.slice(0, MAX_ERROR);
        if (outcome.retryAt === undefined) db.run("UPDATE alert_deliveries SET state = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?", [error, id]);
        else db.run("UPDATE alert_deliveries SET attempts = attempts + 1, last_error = ?, next_at = ? WHERE id = ?", [error, outcome.retryAt, id]);
        db.run("UPDATE alert_channels SET last_error_at = ?, last_error = ? WHERE id = ?", [now, error, d.channel_id]);
      });
    },

    /** Records a channel test's outcome on the channel (a test is no notice: nothing is queued). */
    recordAlertChannelTest(channelId: string, outcome: DeliveryOutcome): void {
      ctx.write(() => {
        const now = ctx.now().getTime();
        if (outcome.ok) db.run("UPDATE alert_channels SET last_ok_at = ? WHERE id = ?", [now, channelId]);
        else db.run("UPDATE alert_channels SET last_error_at = ?, last_error = ? WHERE id = ?", [now, outcome.error.slice(0, MAX_ERROR), channelId]);
      });
    },

    /** A notice by id (tests, and the sender's log line). */
    getAlertDelivery(id: number) {
      return ctx.read(() => {
        const d = db.query<DeliveryRow, [number]>(`${DELIVERY_SELECT} WHERE d.id = ?`).get(id);
        return d ? toDelivery(d) : undefined;
      });
    },
  };
}
