/**
 * The bounds of what an agent may send the hub. The hub refuses anything
 * beyond them (INVALID_ARGUMENT, RESOURCE_EXHAUSTED); the agent keeps within
 * them so that a long error text or a big batch never makes its own polls
 * or uploads fail.
 */

/** Readings in one UploadReadings call. */
export const MAX_READINGS_PER_UPLOAD = 1000;
/** Reading payload bytes in one UploadReadings call: the agent's batches stay under it. */
export const UPLOAD_PAYLOAD_BYTES = 4 * 1024 * 1024;
/** Reading ids one task result may name. */
export const MAX_TASK_READING_IDS = 100_000;
/**
 * Request body bytes per AgentService method (after decompression). The hub
 * refuses a bigger body by its Content-Length before reading it, and while
 * reading otherwise (RESOURCE_EXHAUSTED). Each is what the method's bounds
 * above allow with room to spare: Poll and Activate carry a few short texts;
 * an upload a full batch plus its ids (under 1 KiB each); a task result up
 * to MAX_TASK_READING_IDS ids of up to 64 characters.
 */
export const REQUEST_MAX_BYTES = {
  activate: 4 * 1024,
  checkLockout: 1024,
  poll: 32 * 1024,
  uploadReadings: UPLOAD_PAYLOAD_BYTES + MAX_READINGS_PER_UPLOAD * 1024,
  reportTaskResult: 128 * 1024 + MAX_TASK_READING_IDS * 72,
} as const;
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
