/** @jsxImportSource hono/jsx */
/**
 * What a task found, readably: ping figures and each reply, traceroute hops,
 * which SNMP credential works (names only), a Zebra printer's status and
 * counters or an SGD value, a web probe's ports with their certificates and
 * HP's LEDM supplies, a web-access tunnel's traffic. Everything here may
 * come from an agent and from a printer through it: Hono's JSX escapes it.
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Child } from "hono/jsx";
import { formatMs } from "../../../common/duration.ts";
import type { Counter } from "../../../gen/dca/v1/reading_pb.ts";
import { CounterKind, CounterUnit, SnmpVersion } from "../../../gen/dca/v1/reading_pb.ts";
import type { TaskResult, TlsCertificateFacts, WebProbeResult, ZebraResult } from "../../../gen/dca/v1/agent_service_pb.ts";

const day = (t: TlsCertificateFacts["notAfter"]) => (t ? timestampDate(t).toISOString().slice(0, 10) : "?");
const enumWord = (names: Record<number, string>, v: number, prefix: string) => (names[v] ?? "").replace(prefix, "").toLowerCase().replaceAll("_", " ");
const counterName = (c: Counter) => c.name || enumWord(CounterKind, c.kind, "COUNTER_KIND_");
const unitName = (c: Counter) => enumWord(CounterUnit, c.unit, "COUNTER_UNIT_");

function Counters(p: { counters: Counter[]; caption: string }) {
  if (p.counters.length === 0) return <></>;
  return (
    <table>
      <caption class="hint">{p.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Counter</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {p.counters.map((c) => (
          <tr>
            <td>{counterName(c)}</td>
            <td>
              {c.value.toString()} {unitName(c)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Certificate(p: { c: TlsCertificateFacts }) {
  const c = p.c;
  const flags = [c.selfSigned ? "self-signed" : "", c.expired ? "EXPIRED" : "", c.trusted ? "trusted" : `not trusted${c.trustError ? ` (${c.trustError})` : ""}`, c.protocol].filter(Boolean);
  return (
    <div class="hint">
      Certificate: {c.subject || "?"}, issued by {c.issuer || "?"}, {day(c.notBefore)} to {day(c.notAfter)}; {flags.join(", ")}
      {c.subjectAltNames.length > 0 && <> ; names {c.subjectAltNames.slice(0, 20).join(", ")}</>}
      <br />
      SHA-256 <code>{c.sha256Fingerprint}</code>
    </div>
  );
}

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

function WebProbeView(p: { v: WebProbeResult }) {
  const v = p.v;
  return (
    <>
      <div class="table-wrap">
        <table>
          <caption class="hint">Web pages of {v.address}</caption>
          <thead>
            <tr>
              <th scope="col">Address</th>
              <th scope="col">Answer</th>
              <th scope="col">Title</th>
              <th scope="col">Server</th>
              <th scope="col">Time</th>
            </tr>
          </thead>
          <tbody>
            {v.ports.map((w) => (
              <tr>
                <td>
                  <code>
                    {w.scheme}://{v.address}:{w.port}
                  </code>
                  {w.certificate && <Certificate c={w.certificate} />}
                </td>
                <td>
                  {w.statusCode ? `HTTP ${w.statusCode}` : `no answer: ${w.error}`}
                  {w.location && <> to {w.location}</>}
                </td>
                <td>{w.title}</td>
                <td>{w.server}</td>
                <td>{formatMs(w.elapsedMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {v.ledm &&
        (v.ledm.found ? (
          <>
            <table>
              <caption class="hint">HP LEDM supplies</caption>
              <thead>
                <tr>
                  <th scope="col">Supply</th>
                  <th scope="col">Level</th>
                  <th scope="col">State</th>
                  <th scope="col">Part</th>
                </tr>
              </thead>
              <tbody>
                {v.ledm.consumables.map((c) => (
                  <tr>
                    <td>
                      {c.color || "?"} {c.type}
                    </td>
                    <td>{c.percentRemaining >= 0 ? `${c.percentRemaining} %` : "not given"}</td>
                    <td>{c.state}</td>
                    <td>{c.partNumber}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Counters counters={v.ledm.counters} caption="HP LEDM usage" />
          </>
        ) : (
          <p>HP LEDM: not found{v.ledm.error ? ` (${v.ledm.error})` : ""}.</p>
        ))}
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
          <table>
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
          </table>
        </>
      );
    }
    case "snmpTest":
      return (
        <table>
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
        </table>
      );
    case "zebra":
      return <ZebraView v={k.value} />;
    case "webProbe":
      return <WebProbeView v={k.value} />;
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
