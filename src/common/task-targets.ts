/**
 * What a task will touch, per kind: the one list both the hub (when a task is
 * created) and the agent (before it runs one) check against the site's
 * targets and known devices.
 */
import type { Task } from "../gen/dca/v1/agent_service_pb.ts";

export interface TaskTargets {
  /** Addresses (or, for a scan, ranges) the task will touch; empty: the site's own targets. */
  targets: string[];
  /** Each target must be one device address, not a range. */
  single: boolean;
}

/** Undefined for a task without a kind this build knows. */
export function taskTargets(task: Task): TaskTargets | undefined {
  const k = task.kind;
  switch (k.case) {
    case "scan":
      return { targets: k.value.targets, single: false };
    case "readDevice":
    case "ping":
    case "traceroute":
    case "snmpTest":
    case "zebra":
    case "webProbe":
    case "webAccess":
      return { targets: [k.value.address], single: true };
    default:
      return undefined;
  }
}

/** The store's and the CLI's name of each task kind. */
export const TASK_KIND_NAMES = {
  scan: "scan",
  readDevice: "read_device",
  ping: "ping",
  traceroute: "traceroute",
  snmpTest: "snmp_test",
  zebra: "zebra",
  webProbe: "web_probe",
  webAccess: "web_access",
} as const satisfies Record<NonNullable<Task["kind"]["case"]>, string>;

export type TaskKindName = (typeof TASK_KIND_NAMES)[keyof typeof TASK_KIND_NAMES];
