/**
 * Checks on what an agent sends, before the store sees it: sizes, id
 * shapes, counts. Anything off is `invalid-argument` with a plain reason; the
 * received value itself is never echoed (it may be a secret or hostile).
 */
import type {
  ActivateRequest,
  PollRequest,
  ReportTaskResultRequest,
  UploadReadingsRequest,
} from "../../gen/dca/v1/agent_service_pb.ts";
import { ID_PATTERN, ID_RULE, INSTALL_ID_PATTERN, MAX_READINGS_PER_UPLOAD, MAX_TASK_READING_IDS, TEXT_LIMITS } from "../../common/wire-limits.ts";
import { DcaError } from "../../common/errors.ts";
import { parseAgentSshKey } from "../relay/agent-ssh-key.ts";

export { MAX_READINGS_PER_UPLOAD };

const bad = (what: string) => new DcaError("invalid-argument", what);

function text(field: string, value: string, max: number): void {
  if (value.length > max) throw bad(`${field} is longer than ${max} characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (/[\u0000-\u001f\u007f]/.test(value)) throw bad(`${field} contains control characters`);
}

export function checkInstallId(id: string): void {
  if (!INSTALL_ID_PATTERN.test(id)) throw bad("install_id must be 32 lowercase hex characters");
}

export function checkActivateRequest(r: ActivateRequest): void {
  if (r.code.length === 0) throw bad("code is empty");
  text("code", r.code, TEXT_LIMITS.code);
  checkInstallId(r.installId);
  text("hostname", r.hostname, TEXT_LIMITS.hostname);
  text("agent_version", r.agentVersion, TEXT_LIMITS.agentVersion);
  text("platform", r.platform, TEXT_LIMITS.platform);
  sshPublicKeyOf(r.sshPublicKey);
}

/**
 * The canonical form of an agent's SSH key ("" for none). A malformed key is
 * `invalid-argument`: Activate refuses it; Poll logs it and goes on (a bad
 * key must not cost an agent its readings).
 */
export function sshPublicKeyOf(text: string): string {
  if (text === "") return "";
  const k = parseAgentSshKey(text);
  if ("error" in k) throw bad(`ssh_public_key ${k.error}`);
  return k.canonical;
}

export function checkPollRequest(r: PollRequest): void {
  text("agent_version", r.agentVersion, TEXT_LIMITS.agentVersion);
  text("hostname", r.hostname, TEXT_LIMITS.hostname);
  if (r.lastError.length > TEXT_LIMITS.lastError) throw bad(`last_error is longer than ${TEXT_LIMITS.lastError} characters`);
  if (r.updateStatus.length > TEXT_LIMITS.lastError) throw bad(`update_status is longer than ${TEXT_LIMITS.lastError} characters`);
  // A UTC offset is within -14 h and +14 h.
  if (Math.abs(r.utcOffsetMinutes) > 14 * 60) throw bad("utc_offset_minutes must be between -840 and 840");
}

export function checkUploadRequest(r: UploadReadingsRequest): void {
  if (r.readings.length > MAX_READINGS_PER_UPLOAD) throw bad(`at most ${MAX_READINGS_PER_UPLOAD} readings per upload, got ${r.readings.length}`);
  const seen = new Set<string>();
  for (const [i, o] of r.readings.entries()) {
    if (!ID_PATTERN.test(o.id)) throw bad(`readings[${i}].id must be ${ID_RULE}`);
    if (!o.reading) throw bad(`readings[${i}] has no reading`);
    if (seen.has(o.id)) throw bad(`readings[${i}].id appears twice in one upload`);
    seen.add(o.id);
    text(`readings[${i}].task_id`, o.taskId, 64);
  }
}

export function checkReportTaskResult(r: ReportTaskResultRequest): void {
  if (!ID_PATTERN.test(r.taskId)) throw bad(`task_id must be ${ID_RULE}`);
  if (r.message.length > TEXT_LIMITS.taskMessage) throw bad(`message is longer than ${TEXT_LIMITS.taskMessage} characters`);
  if (r.readingIds.length > MAX_TASK_READING_IDS) throw bad("too many reading_ids");
}
