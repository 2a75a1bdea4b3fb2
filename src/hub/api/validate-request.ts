/**
 * Checks on what an agent sends, before the store sees it: sizes, id
 * shapes, counts. Anything off is INVALID_ARGUMENT with a plain reason; the
 * received value itself is never echoed (it may be a secret or hostile).
 */
import { Code, ConnectError } from "@connectrpc/connect";
import type {
  ActivateRequest,
  PollRequest,
  ReportTaskResultRequest,
  UploadReadingsRequest,
} from "../../gen/dca/v1/agent_service_pb.ts";

export const MAX_READINGS_PER_UPLOAD = 1000;
/** Whole request bodies above this are refused by the server before decoding. */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;
const MAX_READING_ID = 64;

const bad = (what: string) => new ConnectError(what, Code.InvalidArgument);

function text(field: string, value: string, max: number): void {
  if (value.length > max) throw bad(`${field} is longer than ${max} characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (/[\u0000-\u001f\u007f]/.test(value)) throw bad(`${field} contains control characters`);
}

export function checkInstallId(id: string): void {
  if (!/^[0-9a-f]{32}$/.test(id)) throw bad("install_id must be 32 lowercase hex characters");
}

export function checkActivateRequest(r: ActivateRequest): void {
  if (r.code.length === 0) throw bad("code is empty");
  text("code", r.code, 32);
  checkInstallId(r.installId);
  text("hostname", r.hostname, 255);
  text("agent_version", r.agentVersion, 64);
  text("platform", r.platform, 64);
}

export function checkPollRequest(r: PollRequest): void {
  text("agent_version", r.agentVersion, 64);
  text("hostname", r.hostname, 255);
  if (r.lastError.length > 4096) throw bad("last_error is longer than 4096 characters");
}

export function checkUploadRequest(r: UploadReadingsRequest): void {
  if (r.readings.length > MAX_READINGS_PER_UPLOAD) throw bad(`at most ${MAX_READINGS_PER_UPLOAD} readings per upload, got ${r.readings.length}`);
  const seen = new Set<string>();
  for (const [i, o] of r.readings.entries()) {
    if (!/^[0-9A-Za-z_-]{1,64}$/.test(o.id) || o.id.length > MAX_READING_ID) throw bad(`readings[${i}].id must be 1-64 letters, digits, - or _`);
    if (!o.reading) throw bad(`readings[${i}] has no reading`);
    if (seen.has(o.id)) throw bad(`readings[${i}].id appears twice in one upload`);
    seen.add(o.id);
    text(`readings[${i}].task_id`, o.taskId, 64);
  }
}

export function checkReportTaskResult(r: ReportTaskResultRequest): void {
  if (!/^[0-9A-Za-z_-]{1,64}$/.test(r.taskId)) throw bad("task_id must be 1-64 letters, digits, - or _");
  if (r.message.length > 16_384) throw bad("message is longer than 16384 characters");
  if (r.readingIds.length > 100_000) throw bad("too many reading_ids");
}
