/** @jsxImportSource hono/jsx */
/**
 * The parts of the device page that show its newest reading and history as
 * GetDevice gives them: identity, addresses, status with the printer's own
 * alerts, supplies as bars with their honest state (a level of -3 is "some
 * remaining", -2 unknown, -1 unlimited: words, never a percentage), every
 * counter with its OID, trays, read problems and counter flags.
 */
import type { CounterFlag } from "../../../gen/dca/v1/admin_fleet_pb.ts";
import type { GetDeviceResponse, SupplyView } from "../../../gen/dca/v1/admin_portal_pb.ts";
import { CounterKind, CounterUnit, type Tray, TrayState } from "../../../gen/dca/v1/reading_pb.ts";
import { count, enumWords, isoOf, percentText, utcMinute } from "./fleet-format.ts";

/** A term and its value, left out when there is no value. */
const Fact = (p: { term: string; value: string | undefined; code?: boolean }) =>
  p.value ? (
    <>
      <dt>{p.term}</dt>
      <dd class={p.code ? "code" : undefined}>{p.value}</dd>
    </>
  ) : null;

/** Vendor, model, serial, MAC, firmware, and what the device says of itself. */
export function Identity(p: { d: GetDeviceResponse }) {
  const i = p.d.identity;
  const row = p.d.device!;
  return (
    <dl class="facts">
      <Fact term="Vendor" value={i?.vendor || row.vendor} />
      <Fact term="Model" value={i?.model || row.model} />
      <Fact term="Serial number" value={i?.serialNumber || row.serialNumber} code />
      <Fact term="MAC address" value={i?.macAddress || row.macAddress} code />
      <Fact term="Firmware" value={i?.firmware} code />
      <Fact term="Network firmware" value={i?.networkFirmware} code />
      <Fact term="Host name" value={i?.hostname} />
      <Fact term="Location" value={i?.sysLocation} />
      <Fact term="Contact" value={i?.sysContact} />
      <Fact term="Description" value={i?.sysDescr} />
      <Fact term="sysObjectID" value={i?.sysObjectId} code />
      <Fact term="Read with profile" value={i?.profile} />
      <Fact term="Site" value={row.siteName} />
      <Fact term="Device id" value={row.id} code />
    </dl>
  );
}

/** Where it was read, oldest first. */
export function Addresses(p: { d: GetDeviceResponse }) {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Address</th>
            <th scope="col">First seen</th>
            <th scope="col">Last seen</th>
            <th scope="col" class="num">Readings</th>
          </tr>
        </thead>
        <tbody>
          {p.d.addresses.map((a) => (
            <tr>
              <td class="code">{a.address}</td>
              <td>{utcMinute(a.firstSeen)}</td>
              <td>{utcMinute(a.lastSeen)}</td>
              <td class="num">{count(a.readings)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The newest reading's status, the printer's own alert table and console. */
export function Status(p: { d: GetDeviceResponse }) {
  const { status, alerts, console: lines, problems } = p.d;
  return (
    <>
      {status ? (
        <dl class="facts">
          <Fact term="Device" value={status.deviceStatus || "not answered"} />
          <Fact term="Printer" value={status.printerStatus || "not answered"} />
          <Fact term="Detected errors" value={status.detectedErrors.join(", ") || "none"} />
        </dl>
      ) : (
        <p>The newest reading has no status (the device did not answer it).</p>
      )}
      {alerts.length > 0 && (
        <>
          <h3>The printer's alerts</h3>
          <ul>
            {alerts.map((a) => (
              <li>
                <strong>{a.severity || "alert"}</strong>: {a.description || a.code} <span class="hint">({[a.group, a.code].filter(Boolean).join(", ")})</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {lines.length > 0 && (
        <p>
          Console: <span class="code">{lines.join(" | ")}</span>
        </p>
      )}
      {problems.length > 0 && (
        <>
          <h3>Problems reading it</h3>
          <ul>
            {problems.map((x) => (
              <li>
                {x.section}: {x.message} {x.oid && <span class="code hint">{x.oid}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

/** One supply: a bar with its percent where the device gave an amount, its state in words otherwise. */
function SupplyRow(p: { s: SupplyView }) {
  const { s } = p;
  const sup = s.supply!;
  const pct = sup.percent;
  const name = sup.description || s.kind || `supply ${sup.index}`;
  return (
    <li class={`supply${s.attention ? " attention" : ""}`}>
      <span class="supply-name">
        {name}
        {sup.color && sup.color.toLowerCase() !== name.toLowerCase() && <span class="hint"> ({sup.color})</span>}
      </span>
      {pct !== undefined ? (
        <span class="supply-level">
          <meter min={0} max={100} low={11} optimum={100} value={pct} aria-label={`${name}: ${percentText(pct)}`}>
            {percentText(pct)}
          </meter>{" "}
          {percentText(pct)}
          {sup.receptacle ? " space left" : ""} ({s.stateLabel})
        </span>
      ) : (
        <span class="supply-level state">{s.stateLabel}</span>
      )}
      {s.attention && <strong class="bad"> needs attention</strong>}
      {sup.levelOid && <span class="code hint oid">{sup.levelOid}</span>}
    </li>
  );
}

/** Every supply of the newest reading. */
export function Supplies(p: { d: GetDeviceResponse }) {
  if (p.d.supplies.length === 0) return <p>The newest reading has no supplies.</p>;
  return (
    <ul class="supplies">
      {p.d.supplies.map((s) => (
        <SupplyRow s={s} />
      ))}
    </ul>
  );
}

const counterName = (kind: CounterKind) => enumWords(CounterKind, kind) || "unspecified";

/** Every counter of the newest reading, with its OID. */
export function Counters(p: { d: GetDeviceResponse }) {
  if (p.d.counters.length === 0) return <p>The newest reading has no counters.</p>;
  return (
    <div class="table-wrap">
      <table class="counters">
        <thead>
          <tr>
            <th scope="col">Counter</th>
            <th scope="col">Device's name</th>
            <th scope="col" class="num">Value</th>
            <th scope="col">Unit</th>
            <th scope="col">OID</th>
          </tr>
        </thead>
        <tbody>
          {p.d.counters.map((c) => (
            <tr>
              <td>{counterName(c.kind)}</td>
              <td>{c.name}</td>
              <td class="num">{count(c.value)}</td>
              <td>{enumWords(CounterUnit, c.unit)}</td>
              <td class="code">{c.oid}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const trayLevel = (t: Tray) => (t.percent !== undefined ? percentText(t.percent) : enumWords(TrayState, t.state) || "not stated");

/** Input trays, when the reading has them. */
export function Trays(p: { d: GetDeviceResponse }) {
  if (p.d.trays.length === 0) return null;
  return (
    <ul>
      {p.d.trays.map((t) => (
        <li>
          {t.name || t.description || `tray ${t.index}`}: {trayLevel(t)}
          {t.mediaName && <span class="hint"> ({t.mediaName})</span>}
        </li>
      ))}
    </ul>
  );
}

/** The device's counter flags, newest first. */
export function Flags(p: { flags: CounterFlag[] }) {
  if (p.flags.length === 0) return <p>No counter was flagged.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Counter</th>
            <th scope="col">Why</th>
            <th scope="col" class="num">Before</th>
            <th scope="col" class="num">After</th>
          </tr>
        </thead>
        <tbody>
          {p.flags.map((f) => (
            <tr>
              <td>
                <time datetime={isoOf(f.at)}>{utcMinute(f.at)}</time>
              </td>
              <td>
                {counterName(f.kind)} {f.name && <span class="hint">{f.name}</span>}
              </td>
              <td>{f.reason === "backwards" ? "went backwards (meter reset or board swap)" : f.reason === "jump" ? "jumped (more pages than a day allows)" : f.reason}</td>
              <td class="num">{count(f.previous)}</td>
              <td class="num">{count(f.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
