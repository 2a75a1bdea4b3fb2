/** Tasks and task reports as the hub store suites build them. */
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ReportTaskResultRequestSchema, TaskSchema, type TaskStatus } from "../../../src/gen/dca/v1/agent_service_pb.ts";

/** A scan task of the targets. */
export const scan = (...targets: string[]) => create(TaskSchema, { kind: { case: "scan", value: { targets } } });

/** A read-one-device task. */
export const read = (address: string) => create(TaskSchema, { kind: { case: "readDevice", value: { address } } });

/** A ping task. */
export const ping = (address: string) => create(TaskSchema, { kind: { case: "ping", value: { address } } });

/** An agent's report on a task. */
export const report = (taskId: string, status: TaskStatus, extra: { message?: string; readingIds?: string[]; finishedAtMs?: number } = {}) =>
  create(ReportTaskResultRequestSchema, {
    taskId,
    status,
    message: extra.message ?? "",
    readingIds: extra.readingIds ?? [],
    finishedAt: extra.finishedAtMs === undefined ? undefined : timestampFromMs(extra.finishedAtMs),
  });
