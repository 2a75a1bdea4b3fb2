/**
 * What the hub refuses in a new task before the store's scope check: a kind
 * the API does not queue, and settings outside the bounds the agent applies
 * (src/common/task-limits.ts), so nobody is surprised by a quietly clamped
 * task. The CLI checks the same early with its flag names; any other client
 * (a script, the portal) gets these.
 */
import { type Task, ZebraAction, ZebraTransport } from "../../gen/dca/v1/agent_service_pb.ts";
import { DcaError } from "../../common/errors.ts";
import { MAX_WEB_PORTS, PING_LIMITS, SGD_NAME, TRACEROUTE_LIMITS, type TaskSetting, ZEBRA_SEND_MAX_BYTES } from "../../common/task-limits.ts";
import { TASK_KIND_NAMES } from "../../common/task-targets.ts";

const refuse = (message: string): never => {
  throw new DcaError("invalid-argument", message);
};

/** 0 (the agent's default) or a value within the bounds. */
function setting(value: number, limits: TaskSetting, what: string): void {
  if (value !== 0 && (value < limits.min || value > limits.max)) refuse(`${what} must be from ${limits.min} to ${limits.max} (0 for the default ${limits.default}), got ${value}`);
}

function ports(list: readonly number[], what: string): void {
  const bad = list.find((p) => p < 1 || p > 65535);
  if (bad !== undefined) refuse(`${what} takes ports 1-65535, got ${bad}`);
}

function zebra(z: Extract<Task["kind"], { case: "zebra" }>["value"]): void {
  if (z.port > 65535) refuse(`zebra port must be 1-65535 (0 for the default), got ${z.port}`);
  switch (z.action) {
    case ZebraAction.READ:
      break;
    case ZebraAction.SEND:
      if (z.data.length === 0 || z.data.length > ZEBRA_SEND_MAX_BYTES) refuse(`zebra send needs 1 byte to ${ZEBRA_SEND_MAX_BYTES / 1024} KiB of data, got ${z.data.length}`);
      break;
    case ZebraAction.GETVAR:
    case ZebraAction.SETVAR:
      if (!SGD_NAME.test(z.name)) refuse(`"${z.name.slice(0, 60)}" is not an SGD variable name`);
      break;
    default:
      refuse("a zebra task needs an action: read, send, getvar or setvar");
  }
  if (z.transport === ZebraTransport.LPR && z.action !== ZebraAction.SEND) refuse("LPR only sends data (zebra send); status and SGD need the raw port");
}

/** Refuses (invalid-argument) a task the API does not queue as it is. */
export function checkNewTask(task: Task | undefined): Task {
  const k = task?.kind;
  switch (k?.case) {
    case "scan":
    case "readDevice":
    case "snmpTest":
      break;
    case "ping":
      setting(k.value.count, PING_LIMITS.count, "ping count");
      setting(k.value.timeoutMs, PING_LIMITS.timeoutMs, "ping timeout_ms");
      setting(k.value.intervalMs, PING_LIMITS.intervalMs, "ping interval_ms");
      break;
    case "traceroute":
      setting(k.value.maxHops, TRACEROUTE_LIMITS.maxHops, "traceroute max_hops");
      setting(k.value.timeoutMs, TRACEROUTE_LIMITS.timeoutMs, "traceroute timeout_ms");
      setting(k.value.probesPerHop, TRACEROUTE_LIMITS.probesPerHop, "traceroute probes_per_hop");
      break;
    case "zebra":
      zebra(k.value);
      break;
    case "webProbe": {
      ports(k.value.ports, "a web probe");
      ports(k.value.tlsPorts, "a web probe's tls_ports");
      const all = new Set([...k.value.ports, ...k.value.tlsPorts]).size;
      if (all > MAX_WEB_PORTS) refuse(`a web probe takes at most ${MAX_WEB_PORTS} ports, got ${all}`);
      break;
    }
    case "webAccess":
      return refuse('web access sessions are opened with OpenWebAccess ("dca-hub web-access open"), not as tasks');
    default:
      return refuse(`a task needs a kind (${Object.values(TASK_KIND_NAMES).filter((n) => n !== "web_access").join(", ")})`);
  }
  return task!;
}
