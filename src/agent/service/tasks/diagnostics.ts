/** Ping and traceroute tasks: ICMP from inside the agent (src/agent/diagnostics/icmp). */
import { plural } from "../../../common/text.ts";
import { create } from "@bufbuild/protobuf";
import {
  type PingTask,
  PingResultSchema,
  type TaskResult,
  TaskResultSchema,
  TaskStatus,
  type TracerouteTask,
  TracerouteHopSchema,
  TracerouteResultSchema,
} from "../../../gen/dca/v1/agent_service_pb.ts";
import { ping, traceroute } from "../../diagnostics/icmp/index.ts";
import { parseEndpoint } from "../../../common/endpoint.ts";
import { formatMs } from "../../../common/duration.ts";
import { PING_LIMITS, TRACEROUTE_LIMITS, effectiveSetting } from "../../../common/task-limits.ts";

export interface DiagnosticOutcome {
  status: TaskStatus;
  message: string;
  result: TaskResult;
}


export async function runPing(t: PingTask): Promise<DiagnosticOutcome> {
  const { host } = parseEndpoint(t.address, 0);
  const r = await ping(host, {
    count: effectiveSetting(t.count, PING_LIMITS.count),
    timeoutMs: effectiveSetting(t.timeoutMs, PING_LIMITS.timeoutMs),
    intervalMs: effectiveSetting(t.intervalMs, PING_LIMITS.intervalMs),
  });
  const result = create(PingResultSchema, {
    address: r.address ?? "",
    socket: r.mode ?? "",
    sent: r.sent,
    received: r.received,
    lossPercent: r.lossPercent,
    rtt: r.rttMs ? { minMs: r.rttMs.min, avgMs: r.rttMs.avg, maxMs: r.rttMs.max } : undefined,
    repliesMs: r.replies.map((x) => x.rttMs),
    error: r.error ?? "",
  });
  const where = r.address && r.address !== host ? `${host} (${r.address})` : host;
  const summary = r.rttMs
    ? `${where}: ${r.received}/${r.sent} replies, ${r.lossPercent}% loss, rtt min/avg/max ${formatMs(r.rttMs.min)}/${formatMs(r.rttMs.avg)}/${formatMs(r.rttMs.max)}`
    : `${where}: ${r.received}/${r.sent} replies, ${r.lossPercent}% loss`;
  // No socket, or nothing could be sent: the task failed; silence from the host is an answer.
  const failed = r.sent === 0;
  return {
    status: failed ? TaskStatus.FAILED : TaskStatus.DONE,
    message: r.error ? `${summary}; ${r.error}` : summary,
    result: create(TaskResultSchema, { kind: { case: "ping", value: result } }),
  };
}

export async function runTraceroute(t: TracerouteTask): Promise<DiagnosticOutcome> {
  const { host } = parseEndpoint(t.address, 0);
  const r = await traceroute(host, {
    maxHops: effectiveSetting(t.maxHops, TRACEROUTE_LIMITS.maxHops),
    timeoutMs: effectiveSetting(t.timeoutMs, TRACEROUTE_LIMITS.timeoutMs),
    probesPerHop: effectiveSetting(t.probesPerHop, TRACEROUTE_LIMITS.probesPerHop),
  });
  const result = create(TracerouteResultSchema, {
    address: r.address ?? "",
    socket: r.mode ?? "",
    reached: r.reached,
    error: r.error ?? "",
    hops: r.hops.map((h) =>
      create(TracerouteHopSchema, {
        ttl: h.ttl,
        address: h.address ?? "",
        rttMs: h.rttMs,
        unreachableCodePlusOne: h.unreachableCode === undefined ? 0 : h.unreachableCode + 1,
      }),
    ),
  });
  const path = r.hops.map((h) => h.address ?? "*").join(" > ");
  const summary = `${host}: ${r.reached ? "reached" : "not reached"} in ${plural(r.hops.length, "hop")}${path ? `: ${path}` : ""}`;
  return {
    status: r.error && r.hops.length === 0 ? TaskStatus.FAILED : TaskStatus.DONE,
    message: r.error ? `${summary}; ${r.error}` : summary,
    result: create(TaskResultSchema, { kind: { case: "traceroute", value: result } }),
  };
}
