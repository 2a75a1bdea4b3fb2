/**
 * The outbox contract: every reading the agent makes enters it first, and
 * the uploader drains it in order, deleting only what the hub acknowledged.
 * The SQLite version is in open-outbox.ts.
 */
import type { OutboxReading } from "../../gen/dca/v1/agent_service_pb.ts";
import type { DeviceReading } from "../../gen/dca/v1/reading_pb.ts";

/** Default bound on the number of readings held. */
export const DEFAULT_MAX_READINGS = 100_000;
/** Default bound on the payload bytes held (256 MiB). */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
/** Default bound on the age of a reading held (30 days). */
export const DEFAULT_MAX_AGE_MS = 30 * 24 * 3600 * 1000;

/**
 * Bounds of the outbox. Beyond any of them the oldest readings (in seq
 * order) are dropped and counted. Age is judged in seq order too: a reading
 * stored after the clock stepped back waits for the ones before it.
 */
export interface OutboxLimits {
  maxReadings?: number;
  /**
   * Sum of the stored protobuf payloads, in bytes (not the file size, which
   * adds SQLite's overhead). The bound is strict: a single reading larger
   * than it is dropped, and counted, as soon as it is stored.
   */
  maxBytes?: number;
  maxAgeMs?: number;
}

/** Options of openOutbox(). */
export interface OutboxOptions extends OutboxLimits {
  /** Wall clock in Unix milliseconds, for created_at and the age bound (default Date.now). */
  now?: () => number;
  /**
   * Run SQLite's quick_check when opening, so a damaged file is refused at
   * start rather than met in the middle of an upload (default true; it adds
   * about 0.3 s per 100,000 readings, see test/bench/outbox/README.md).
   */
  integrityCheck?: boolean;
  /** Told about each reading moved to quarantine (see Outbox.peek). */
  onQuarantine?: (entry: QuarantinedEntry) => void;
}

/** One stored reading. */
export interface OutboxEntry {
  /** UUIDv7 given when the reading entered the outbox. */
  id: string;
  /** Position in this outbox; increases with every reading ever stored, never reused. */
  seq: bigint;
  /** The task that produced the reading, "" if none. */
  taskId: string;
  createdAt: Date;
  /** Size of the stored protobuf payload in bytes. */
  size: number;
  reading: DeviceReading;
}

/** A reading whose stored payload failed its checksum or no longer decodes. */
export interface QuarantinedEntry {
  id: string;
  seq: bigint;
  taskId: string;
  createdAt: Date;
  /** What is wrong with it, in words. */
  problem: string;
}

/** Counters of the outbox, for the poll heartbeat and for operators. */
export interface OutboxStats {
  /** Readings waiting. */
  depth: number;
  /** Their payload bytes. */
  bytes: number;
  /** Readings dropped by the bounds since the outbox file was created (survives restarts). */
  droppedTotal: bigint;
  /** created_at of the first waiting reading (in seq order). */
  oldest?: Date;
  /** The seq the next reading will get. */
  nextSeq: bigint;
  /** Readings set aside in the quarantine table because they no longer decode. */
  quarantined: number;
  /** Size of the database file and its write-ahead log on disk (0 in memory). */
  fileBytes: number;
}

/** A durable, ordered, bounded queue of readings. Writes come from one process only. */
export interface Outbox {
  /** Stores one reading durably (committed and fsynced, synchronous=FULL) and returns its new id (UUIDv7). */
  put(reading: DeviceReading, opts?: { taskId?: string }): string;
  /** Stores several readings in one transaction (all or none, same guarantees); ids in order. */
  putMany(items: readonly { reading: DeviceReading; taskId?: string }[]): string[];
  /**
   * The oldest entries in seq order: at most `limit` of them and about
   * `maxBytes` of payload, but at least one if any is waiting. An entry
   * whose payload fails its checksum or does not decode is moved to the
   * quarantine table (kept, counted in stats(), reported to onQuarantine)
   * and skipped, so one bad row never blocks the queue.
   */
  peek(limit: number, maxBytes?: number): OutboxEntry[];
  /** As peek(), as OutboxReading messages ready for an UploadReadingsRequest. */
  peekForUpload(limit: number, maxBytes?: number): OutboxReading[];
  /** Deletes exactly these ids in one transaction (unknown ids are ignored); returns how many it deleted. */
  ack(ids: readonly string[]): number;
  /** Applies the bounds now, oldest first; returns how many readings it dropped. put() applies them too. */
  enforceLimits(): number;
  /**
   * Changes the bounds (config from the hub), then applies them. A field
   * that is absent or 0 goes back to the value openOutbox() was given, or
   * the default (0 means "the agent's default" in OutboxLimits of the proto).
   */
  setLimits(limits: OutboxLimits): void;
  stats(): OutboxStats;
  /** Closes the file. Further calls throw OutboxError "closed"; a second close() does nothing. */
  close(): void;
}
