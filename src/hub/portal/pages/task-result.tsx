/** @jsxImportSource hono/jsx */
/**
 * What a task found, readably: ping figures and each reply, traceroute hops,
 * which SNMP credential works (names only), a Zebra printer's status and
 * counters or an SGD value, a web probe's ports with their certificates and
 * HP's LEDM supplies, a web-access tunnel's traffic. Everything here may
 * come from an agent and from a printer through it: Hono's JSX escapes it.
 */
import type { Child } from "hono/jsx";
import { formatMs } from "../../../common/duration.ts";
import { SnmpVersion } from "../../../gen/dca/v1/reading_pb.ts";
import type { TaskResult, ZebraResult } from "../../../gen/dca/v1/agent_service_pb.ts";
import { Counters, WebProbeResultView, enumWord } from "./web-probe-result.tsx";


function ZebraView(p: { v: ZebraResult }) {
  const v = p.v;
  const s = v.status;
  const faults = s
    ? Object.entries({ "paper out": s.paperOut, paused: s.paused, "head open": s.headOpen, "ribbon out": s.ribbonOut, "over temperature": s.overTemperature, "under temperature": s.underTemperature, "buffer full": s.bufferFull, "corrupt RAM": s.corruptRam })
        .filter(([, on]) => on)
        .map(([n]) => n)
    : [];
  return (
    <>
      <dl class="facts">
        <dt>Printer</dt>
        <dd>
          {v.address} over {v.transport || "?"} port {v.port}
        </dd>
        {v.bytesSent > 0 && (
          <>
            <dt>Sent</dt>
            <dd>{v.bytesSent} bytes</dd>
          </>
        )}
        {s && (
          <>
            <dt>Status</dt>
            <dd class={faults.length ? "bad" : "good"}>{faults.length ? faults.join(", ") : "ready"}</dd>
            <dt>Mode</dt>
            <dd>
              {s.printMode || "?"}, label {s.labelLengthDots} dots, {s.labelsRemaining} label(s) left in the batch, {s.formatsInBuffer} format(s) buffered
            </dd>
          </>
        )}
        {(v.found || v.value) && (
          <>
            <dt>Value</dt>
            <dd>
              <code>{v.value}</code>
            </dd>
          </>
        )}
      </dl>
      <Counters counters={v.counters} caption="Counters (odometer)" />
    </>
  );
}

/** A task's result, by kind (nothing for kinds that report only readings). */
export function TaskResultView(p: { result: TaskResult }): Child {
  const k = p.result.kind;
  switch (k.case) {
    case "ping": {
      const v = k.value;
      return (
        <dl class="facts ping-result">
          <dt>Address</dt>
          <dd>
            {v.address || "-"} ({v.socket ? `${v.socket} socket` : "no socket"})
          </dd>
          <dt>Replies</dt>
          <dd class="ping-replies">
            {v.received} of {v.sent}, {v.lossPercent}% loss
          </dd>
          {v.rtt && (
            <>
              <dt>Round trip</dt>
              <dd>
                min {formatMs(v.rtt.minMs)}, average {formatMs(v.rtt.avgMs)}, max {formatMs(v.rtt.maxMs)}
              </dd>
            </>
          )}
          {v.repliesMs.length > 0 && (
            <>
              <dt>Each reply</dt>
              <dd>{v.repliesMs.map(formatMs).join(", ")}</dd>
            </>
          )}
          {v.error && (
            <>
              <dt>Problem</dt>
              <dd class="bad">{v.error}</dd>
            </>
          )}
        </dl>
      );
    }
    case "traceroute": {
      const v = k.value;
      return (
        <>
          <p>
            To {v.address || "-"} ({v.socket ? `${v.socket} socket` : "no socket"}): <strong>{v.reached ? "reached" : "not reached"}</strong>
            {v.error && <span class="bad"> {v.error}</span>}
          </p>
          <div class="table-wrap"><table>
            <caption class="hint">Hops</caption>
            <thead>
              <tr>
                <th scope="col">Hop</th>
                <th scope="col">Answered by</th>
                <th scope="col">Round trips</th>
              </tr>
            </thead>
            <tbody>
              {v.hops.map((h) => (
                <tr>
                  <td>{h.ttl}</td>
                  <td>{h.address || "* (no answer)"}</td>
                  <td>
                    {h.rttMs.map(formatMs).join(", ")}
                    {h.unreachableCodePlusOne > 0 && ` (unreachable, code ${h.unreachableCodePlusOne - 1})`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table></div>
        </>
      );
    }
    case "snmpTest":
      return (
        <div class="table-wrap"><table>
          <caption class="hint">SNMP credentials tried on {k.value.address} (names only)</caption>
          <thead>
            <tr>
              <th scope="col">Credential</th>
              <th scope="col">Works</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {k.value.credentials.map((c) => (
              <tr>
                <td>
                  {c.name} ({enumWord(SnmpVersion, c.version, "SNMP_VERSION_")})
                </td>
                <td class={c.ok ? "good" : "bad"}>{c.ok ? "yes" : "no"}</td>
                <td>{c.ok ? `${formatMs(c.rttMs)}: ${c.sysDescr.slice(0, 200)} [${c.sysObjectId}]` : c.error}</td>
              </tr>
            ))}
          </tbody>
        </table></div>
      );
    case "zebra":
      return <ZebraView v={k.value} />;
    case "webProbe":
      return <WebProbeResultView v={k.value} />;
    case "webAccess": {
      const v = k.value;
      return (
        <dl class="facts">
          <dt>Reached</dt>
          <dd>
            {v.address}:{v.port}
          </dd>
          <dt>Connections</dt>
          <dd>
            {v.channels.toString()} ({v.channelsRefused.toString()} refused)
          </dd>
          <dt>Bytes</dt>
          <dd>
            {v.bytesToDevice.toString()} to the device, {v.bytesFromDevice.toString()} from it
          </dd>
          <dt>Closed</dt>
          <dd>{v.closedReason || "-"}</dd>
        </dl>
      );
    }
    default:
      return <></>;
  }
}
