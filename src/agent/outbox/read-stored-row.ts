/**
 * Turns a readings row back into an entry, trusting nothing: the payload's
 * CRC32 must match (SQLite has no checksums of its own, so bit rot would
 * otherwise decode into a plausible but wrong reading) and it must decode.
 */
import { fromBinary } from "@bufbuild/protobuf";
import { DeviceReadingSchema } from "../../gen/dca/v1/reading_pb.ts";
import type { OutboxEntry, QuarantinedEntry } from "./outbox.ts";

/** The columns of a readings row, as read with safeIntegers. */
export interface StoredRow {
  seq: bigint;
  id: string;
  task_id: string;
  created_at: bigint;
  size: bigint;
  crc32: bigint;
  payload: Uint8Array;
}

/** Column list matching StoredRow. */
export const STORED_ROW_COLUMNS = "seq, id, task_id, created_at, size, crc32, payload";

/** The entry, or, when the payload cannot be trusted, the quarantine record saying why. */
export function readStoredRow(row: StoredRow): { entry: OutboxEntry } | { bad: QuarantinedEntry } {
  const head = { id: row.id, seq: row.seq, taskId: row.task_id, createdAt: new Date(Number(row.created_at)) };
  if (Bun.hash.crc32(row.payload) !== Number(row.crc32)) {
    return { bad: { ...head, problem: "payload checksum mismatch (the file was damaged on disk)" } };
  }
  try {
    return { entry: { ...head, size: Number(row.size), reading: fromBinary(DeviceReadingSchema, row.payload) } };
  } catch (e) {
    return { bad: { ...head, problem: `payload does not decode as dca.v1.DeviceReading: ${(e as Error).message}` } };
  }
}
