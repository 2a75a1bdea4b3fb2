/**
 * One upload (tailscale's direct.go habit): sends the outbox to the hub in
 * order, batch after batch, deleting only what the hub acknowledged, until
 * it is empty. No retry here: the uploader (./uploader.ts) backs off.
 */
import { DcaError } from "../../common/errors.ts";
import { MAX_READINGS_PER_UPLOAD, UPLOAD_PAYLOAD_BYTES } from "../../common/wire-limits.ts";
import type { Outbox } from "../outbox/index.ts";
import type { ServiceHubClient } from "./hub-client.ts";

/**
 * Payload bytes per batch: what the hub's UploadReadings limit
 * (REQUEST_MAX_BYTES.uploadReadings) leaves after the ids, seqs and task ids
 * beside the readings (under 200 bytes each, MAX_READINGS_PER_UPLOAD at most).
 */
export const UPLOAD_BATCH_BYTES = UPLOAD_PAYLOAD_BYTES;

/** Readings per batch unless told otherwise. */
export const DEFAULT_UPLOAD_BATCH = 500;

/** How one upload goes. */
export interface UploadOutboxOptions {
  /** Readings per batch; never more than MAX_READINGS_PER_UPLOAD (default DEFAULT_UPLOAD_BATCH). */
  batch?: number;
  /** Checked between batches: true ends the upload there. */
  stopping?(): boolean;
}

/**
 * Uploads until the outbox is empty (or `stopping()`); resolves with how
 * many readings the hub took. Throws what the call throws, and when the hub
 * acknowledges none of a batch (the same batch would come back forever).
 */
export async function uploadOutbox(client: ServiceHubClient, outbox: Outbox, opts: UploadOutboxOptions = {}): Promise<number> {
  const limit = Math.max(1, Math.min(opts.batch ?? DEFAULT_UPLOAD_BATCH, MAX_READINGS_PER_UPLOAD));
  let sent = 0;
  for (;;) {
    if (opts.stopping?.()) break;
    const batch = outbox.peekForUpload(limit, UPLOAD_BATCH_BYTES);
    if (batch.length === 0) break;
    const r = await client.uploadReadings({ readings: batch, droppedReadings: outbox.stats().droppedTotal });
    const n = outbox.ack(r.acknowledgedIds);
    if (n === 0) throw new DcaError("failed-precondition", "the hub acknowledged none of the batch");
    sent += n;
  }
  return sent;
}
