/**
 * The agent's durable outbox: every reading enters it before anything else
 * happens to it, and the uploader drains it in order.
 *
 *   const outbox = openOutbox(join(stateDir, "outbox.db"));
 *   const id = outbox.put(reading, { taskId });
 *   const batch = outbox.peekForUpload(200, 4 << 20);
 *   const res = await client.uploadReadings({ readings: batch, droppedReadings: outbox.stats().droppedTotal });
 *   outbox.ack(res.acknowledgedIds);
 */
export { openOutbox } from "./open-outbox.ts";
export {
  DEFAULT_MAX_AGE_MS,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_READINGS,
  type Outbox,
  type OutboxEntry,
  type OutboxLimits,
  type OutboxOptions,
  type OutboxStats,
  type QuarantinedEntry,
} from "./outbox.ts";
export { OutboxError, type OutboxReason } from "./outbox-error.ts";
export { createUuidv7, type Uuidv7Generator, uuidv7, uuidv7Time } from "./uuidv7.ts";
