/**
 * Tasks and web-access sessions as AdminService messages. The CLI turns
 * them back (src/hub/admin/task-from-proto.ts) to print what it always printed.
 */
import { clone, create } from "@bufbuild/protobuf";
import { TaskSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import { type TaskRecord, TaskRecordSchema, WebAccessCertificateSchema, type WebAccessSession as SessionMessage, WebAccessSessionSchema } from "../../gen/dca/v1/admin_tasks_pb.ts";
import type { StoredTask, WebAccessSession } from "../store/index.ts";
import { sessionState } from "../webaccess/session-facts.ts";
import { ts } from "./to-proto.ts";

/**
 * A stored task as the API shows it. A web access task's forward path is the hub's own
 * (with an OpenSSH relay, a socket path on the hub): nobody reading tasks needs it.
 */
export function taskToProto(t: StoredTask, siteName: string): TaskRecord {
  const task = clone(TaskSchema, t.task);
  if (task.kind.case === "webAccess") task.kind.value.forwardPath = "";
  return create(TaskRecordSchema, {
    id: t.id,
    siteId: t.siteId,
    siteName,
    agentId: t.agentId ?? "",
    targetAgentId: t.targetAgentId ?? "",
    kind: t.kind,
    task,
    state: t.state,
    createdAt: ts(t.createdAt),
    sentAt: ts(t.sentAt),
    finishedAt: ts(t.finishedAt),
    message: t.message,
    readingIds: t.readingIds,
    result: t.result,
  });
}

/** What a session message says besides the stored row. */
export interface SessionContext {
  siteName: string;
  /** The session's origin where the hub serves it ("" when the hub has no web-access settings). */
  origin: string;
  /** The hub's time, for the session's state. */
  now: Date;
}

/** A stored session as the API shows it: everything but the forward path and the key's hash. */
export function sessionToProto(s: WebAccessSession, c: SessionContext): SessionMessage {
  return create(WebAccessSessionSchema, {
    id: s.id,
    label: s.label,
    origin: c.origin,
    siteId: s.siteId,
    siteName: c.siteName,
    agentId: s.agentId,
    deviceId: s.deviceId ?? "",
    address: s.address,
    port: s.port,
    tls: s.tls,
    taskId: s.taskId,
    openedBy: s.openedBy,
    openedAt: ts(s.openedAt),
    expiresAt: ts(s.expiresAt),
    idleSeconds: s.idleSeconds,
    concurrent: s.concurrent,
    endedAt: ts(s.endedAt),
    endReason: s.endReason,
    tunnelUpAt: ts(s.tunnelUpAt),
    lastActivityAt: ts(s.lastActivityAt),
    bytesToDevice: BigInt(s.bytesToDevice),
    bytesFromDevice: BigInt(s.bytesFromDevice),
    channels: s.channels,
    requests: s.requests,
    certificate: s.certificate ? create(WebAccessCertificateSchema, s.certificate) : undefined,
    state: sessionState(s, c.now),
  });
}
