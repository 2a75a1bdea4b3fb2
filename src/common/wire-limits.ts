/**
 * The bounds of what an agent may send the hub. The hub refuses anything
 * beyond them (INVALID_ARGUMENT, RESOURCE_EXHAUSTED); the agent keeps within
 * them so that a long error text or a big batch never makes its own polls
 * or uploads fail.
 */

/** Readings in one UploadReadings call. */
export const MAX_READINGS_PER_UPLOAD = 1000;
/** Whole request bodies above this are refused by the hub before decoding. */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;
/** Reading and task ids: the agent's are UUIDv7 (36 characters), the hub's "tsk_" + 16. */
export const ID_PATTERN = /^[0-9A-Za-z_-]{1,64}$/;
/** What ID_PATTERN allows, in words. */
export const ID_RULE = "1-64 letters, digits, - or _";

/** The install id an agent derives (install-id.ts): 32 lowercase hex characters. */
export const INSTALL_ID_PATTERN = /^[0-9a-f]{32}$/;

/** Longest text per field, in characters. */
export const TEXT_LIMITS = {
  code: 32,
  hostname: 255,
  agentVersion: 64,
  platform: 64,
  /** PollRequest.last_error. */
  lastError: 4096,
  /** ReportTaskResultRequest.message. */
  taskMessage: 16_384,
} as const;

/** Reading ids one task result may name. */
export const MAX_TASK_READING_IDS = 100_000;
