/** A task's result as lines for `task show` (the caller cleans them for the terminal). */
import { plural } from "../../common/text.ts";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { SnmpVersion } from "../../gen/dca/v1/reading_pb.ts";
import type { TaskResult, TlsCertificateFacts } from "../../gen/dca/v1/agent_service_pb.ts";
import { CounterKind, CounterUnit } from "../../gen/dca/v1/reading_pb.ts";
import { formatMs } from "../../common/duration.ts";

const day = (t: TlsCertificateFacts["notAfter"]) => (t ? timestampDate(t).toISOString().slice(0, 10) : "?");

function certificate(c: TlsCertificateFacts): string[] {
  const flags = [c.selfSigned ? "self-signed" : "", c.expired ? "EXPIRED" : "", c.trusted ? "trusted" : `not trusted${c.trustError ? ` (${c.trustError})` : ""}`].filter(Boolean);
  return [
    `    certificate: ${c.subject || "?"} issued by ${c.issuer || "?"}, ${day(c.notBefore)} to ${day(c.notAfter)}, ${flags.join(", ")}${c.protocol ? `, ${c.protocol}` : ""}`,
    ...(c.subjectAltNames.length ? [`    names: ${c.subjectAltNames.slice(0, 20).join(", ")}`] : []),
    `    sha256: ${c.sha256Fingerprint}`,
  ];
}

export function formatTaskResult(r: TaskResult): string[] {
  const k = r.kind;
  switch (k.case) {
    case "ping": {
      const v = k.value;
      return [
        `address ${v.address || "-"} via ${v.socket || "no socket"}: ${v.received}/${v.sent} replies, ${v.lossPercent}% loss`,
        ...(v.rtt ? [`rtt min/avg/max ${formatMs(v.rtt.minMs)} / ${formatMs(v.rtt.avgMs)} / ${formatMs(v.rtt.maxMs)}`] : []),
        ...(v.error ? [`error: ${v.error}`] : []),
      ];
    }
    case "traceroute": {
      const v = k.value;
      return [
        `to ${v.address || "-"} via ${v.socket || "no socket"}: ${v.reached ? "reached" : "not reached"}`,
        ...v.hops.map(
          (h) =>
            `${String(h.ttl).padStart(3)}  ${(h.address || "*").padEnd(39)} ${h.rttMs.map(formatMs).join("  ")}${h.unreachableCodePlusOne ? `  !unreachable code ${h.unreachableCodePlusOne - 1}` : ""}`,
        ),
        ...(v.error ? [`error: ${v.error}`] : []),
      ];
    }
    case "snmpTest":
      return [
        `address ${k.value.address}`,
        ...k.value.credentials.map(
          (c) =>
            `${c.ok ? "works " : "fails "} ${c.name} (${SnmpVersion[c.version]?.toLowerCase() ?? "?"})${c.ok ? `: ${formatMs(c.rttMs)}, ${c.sysDescr.slice(0, 120)} [${c.sysObjectId}]` : `: ${c.error}`}`,
        ),
      ];
    case "zebra": {
      const v = k.value;
      const out = [`${v.address} over ${v.transport} port ${v.port}${v.bytesSent ? `, ${v.bytesSent} bytes sent` : ""}`];
      if (v.status) {
        const s = v.status;
        const flags = Object.entries({ paperOut: s.paperOut, paused: s.paused, headOpen: s.headOpen, ribbonOut: s.ribbonOut, overTemperature: s.overTemperature, underTemperature: s.underTemperature, bufferFull: s.bufferFull, corruptRam: s.corruptRam })
          .filter(([, on]) => on)
          .map(([n]) => n);
        out.push(`status: ${flags.length ? flags.join(", ") : "ready"}; mode ${s.printMode}, label ${s.labelLengthDots} dots, ${plural(s.labelsRemaining, "label")} left in batch, ${plural(s.formatsInBuffer, "format")} buffered`);
      }
      for (const c of v.counters) out.push(`${c.name || CounterKind[c.kind]}: ${c.value} ${CounterUnit[c.unit]?.toLowerCase() ?? ""}`);
      if (v.found || v.value) out.push(`value: "${v.value}"`);
      return out;
    }
    case "webProbe": {
      const v = k.value;
      const out: string[] = [];
      for (const p of v.ports) {
        out.push(
          `${p.scheme}://${v.address}:${p.port}  ${p.statusCode ? `HTTP ${p.statusCode}` : `no answer: ${p.error}`}${p.title ? `  "${p.title}"` : ""}${p.server ? `  server ${p.server}` : ""}${p.location ? `  -> ${p.location}` : ""}  (${formatMs(p.elapsedMs)})`,
        );
        if (p.certificate) out.push(...certificate(p.certificate));
      }
      if (v.ledm) {
        if (!v.ledm.found) out.push(`LEDM: not found${v.ledm.error ? ` (${v.ledm.error})` : ""}`);
        else {
          out.push("LEDM consumables:");
          for (const c of v.ledm.consumables)
            out.push(`    ${c.color || "?"} ${c.type}: ${c.percentRemaining >= 0 ? `${c.percentRemaining}%` : "level unknown"}${c.state ? `, ${c.state}` : ""}${c.partNumber ? `, part ${c.partNumber}` : ""}`);
          out.push("LEDM usage:");
          for (const c of v.ledm.counters) out.push(`    ${c.name || CounterKind[c.kind]}: ${c.value} ${CounterUnit[c.unit]?.toLowerCase() ?? ""}`);
        }
      }
      return out;
    }
    default:
      return [];
  }
}
