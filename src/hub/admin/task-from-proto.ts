/**
 * Tasks and web-access sessions from AdminService back into the shapes the
 * `task` and `web-access` commands always printed (plain objects with
 * Dates, unset fields left out), so `--json` output stays what scripts expect.
 */
import { TaskResultSchema, TaskSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import type { TaskRecord, WebAccessSession as SessionMessage } from "../../gen/dca/v1/admin_tasks_pb.ts";
import { messageToJson } from "../../common/message-json.ts";
import type { CertificateFacts, StoredTask, TaskKind, TaskState, WebAccessSession } from "../store/index.ts";
import { dateOf } from "./from-proto.ts";

/** A task as the commands print it, with its site's name. */
export type TaskView = StoredTask & { siteName: string };

export const taskOf = (t: TaskRecord): TaskView => ({
  id: t.id,
  siteId: t.siteId,
  agentId: t.agentId || undefined,
  targetAgentId: t.targetAgentId || undefined,
  kind: t.kind as TaskKind,
  task: t.task!,
  state: t.state as TaskState,
  createdAt: dateOf(t.createdAt) ?? new Date(0),
  sentAt: dateOf(t.sentAt),
  finishedAt: dateOf(t.finishedAt),
  message: t.message,
  readingIds: t.readingIds,
  result: t.result,
  siteName: t.siteName,
});

/** A task's --json form: its fields, then the task and its result as proto JSON. */
export const taskJson = ({ task, result, siteName: _, ...t }: TaskView) => ({
  ...t,
  task: messageToJson(TaskSchema, task),
  ...(result ? { result: messageToJson(TaskResultSchema, result) } : {}),
});

/** A session as the commands print it: the stored fields, then what the hub adds (state, origin, site name). */
export interface SessionView extends Omit<WebAccessSession, "forwardPath"> {
  state: string;
  origin: string;
  siteName: string;
}

const certificateOf = (c: SessionMessage["certificate"]): CertificateFacts | undefined =>
  c ? { subject: c.subject, issuer: c.issuer, validFrom: c.validFrom, validTo: c.validTo, sha256: c.sha256, selfSigned: c.selfSigned } : undefined;

export const sessionOf = (s: SessionMessage): SessionView => ({
  id: s.id,
  label: s.label,
  siteId: s.siteId,
  agentId: s.agentId,
  deviceId: s.deviceId || undefined,
  address: s.address,
  port: s.port,
  tls: s.tls,
  taskId: s.taskId,
  openedBy: s.openedBy,
  openedAt: dateOf(s.openedAt) ?? new Date(0),
  expiresAt: dateOf(s.expiresAt) ?? new Date(0),
  idleSeconds: s.idleSeconds,
  concurrent: s.concurrent,
  endedAt: dateOf(s.endedAt),
  endReason: s.endReason,
  tunnelUpAt: dateOf(s.tunnelUpAt),
  lastActivityAt: dateOf(s.lastActivityAt),
  bytesToDevice: Number(s.bytesToDevice),
  bytesFromDevice: Number(s.bytesFromDevice),
  channels: s.channels,
  requests: s.requests,
  certificate: certificateOf(s.certificate),
  state: s.state,
  origin: s.origin,
  siteName: s.siteName,
});

/** A session's --json form (as before: the stored fields and its state). */
export const sessionJson = ({ origin: _o, siteName: _s, ...s }: SessionView) => s;
