/** @jsxImportSource hono/jsx */
/**
 * A web probe's result as the task page shows it: each port's answer (status,
 * title, server, redirect, time) with its TLS certificate's facts, and HP's
 * LEDM supplies and usage counters; and counters as a table (Zebra's too).
 * Everything here comes from a printer through an agent: JSX escapes it.
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { formatMs } from "../../../common/duration.ts";
import type { TlsCertificateFacts, WebProbeResult } from "../../../gen/dca/v1/agent_service_pb.ts";
import type { Counter } from "../../../gen/dca/v1/reading_pb.ts";
import { CounterKind, CounterUnit } from "../../../gen/dca/v1/reading_pb.ts";

const day = (t: TlsCertificateFacts["notAfter"]) => (t ? timestampDate(t).toISOString().slice(0, 10) : "?");
/** An enum value in words ("COUNTER_KIND_TOTAL" -> "total"). */
export const enumWord = (names: Record<number, string>, v: number, prefix: string) => (names[v] ?? "").replace(prefix, "").toLowerCase().replaceAll("_", " ");
const counterName = (c: Counter) => c.name || enumWord(CounterKind, c.kind, "COUNTER_KIND_");
const unitName = (c: Counter) => enumWord(CounterUnit, c.unit, "COUNTER_UNIT_");

/** Counters as a table (nothing when there are none). */
export function Counters(p: { counters: Counter[]; caption: string }) {
  if (p.counters.length === 0) return <></>;
  return (
    <div class="table-wrap"><table>
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
    </table></div>
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

/** A web probe's ports and LEDM pages. */
export function WebProbeResultView(p: { v: WebProbeResult }) {
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
            <div class="table-wrap"><table>
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
            </table></div>
            <Counters counters={v.ledm.counters} caption="HP LEDM usage" />
          </>
        ) : (
          <p>HP LEDM: not found{v.ledm.error ? ` (${v.ledm.error})` : ""}.</p>
        ))}
    </>
  );
}
