/**
 * `device show DEVICE_ID`: one device as its portal page shows it (GetDevice):
 * identity, the addresses it was seen at, status and alerts, supplies with
 * their honest state (-3 is "some remaining", never a percentage), every
 * counter with its OID, flags, and its newest readings.
 */
import { flag } from "../../common/args.ts";
import { type GetDeviceResponse, GetDeviceResponseSchema } from "../../gen/dca/v1/admin_portal_pb.ts";
import { CounterKind, CounterUnit, SupplyState } from "../../gen/dca/v1/reading_pb.ts";
import { messageToJson } from "../../common/message-json.ts";
import { type AdminCommand, arg, noMoreArgs, printJson, wantsJson } from "./admin-context.ts";
import { formatAgo, formatTable, formatTime, parseCount } from "./admin-format.ts";
import { dateOf } from "./from-proto.ts";

const kindName = (k: CounterKind) => (CounterKind[k] ?? String(k)).toLowerCase().replace(/_/g, " ");
const unitName = (u: CounterUnit) => (u === CounterUnit.UNSPECIFIED ? "" : (CounterUnit[u] ?? String(u)).toLowerCase().replace(/_/g, " "));
const opt = (v: number | bigint | undefined) => (v === undefined ? "-" : String(v));

/** The text page of a device. */
export function formatDevice(d: GetDeviceResponse, now: Date): string {
  const dev = d.device!;
  const id = d.identity;
  const lines: [string, string][] = [
    ["Device", `${dev.id} (${dev.siteName})`],
    ["Vendor", id?.vendor || dev.vendor],
    ["Model", id?.model || dev.model],
    ["Serial", id?.serialNumber || dev.serialNumber || "-"],
    ["MAC", id?.macAddress || dev.macAddress || "-"],
    ["Firmware", [id?.firmware, id?.networkFirmware].filter(Boolean).join("; ") || "-"],
    ["Address", dev.address],
    ["Last read", formatAgo(dateOf(dev.lastReadAt), now)],
    ["Status", dev.status || "-"],
    ["Readings", String(d.readingsTotal)],
  ];
  if (id?.hostname) lines.push(["Hostname", id.hostname]);
  if (id?.sysLocation) lines.push(["Location", id.sysLocation]);
  const width = Math.max(...lines.map(([k]) => k.length));
  let out = lines.map(([k, v]) => `${k.padEnd(width)}  ${v}\n`).join("");
  const section = (title: string, header: string[], rows: (string | number | undefined)[][]) => {
    if (rows.length) out += `\n${title}:\n${formatTable(header, rows)}`;
  };
  section("Addresses", ["ADDRESS", "FIRST SEEN", "LAST SEEN", "READINGS"], d.addresses.map((a) => [a.address, formatTime(dateOf(a.firstSeen)), formatTime(dateOf(a.lastSeen)), String(a.readings)]));
  section("Alerts", ["SEVERITY", "GROUP", "CODE", "DESCRIPTION"], d.alerts.map((a) => [a.severity, a.group, a.code, a.description]));
  section(
    "Supplies",
    ["SUPPLY", "KIND", "LEVEL", "MAX", "PERCENT", "STATE", "OID"],
    d.supplies.map((s) => [
      s.supply?.description || s.supply?.color || `supply ${s.supply?.index}`,
      s.kind,
      opt(s.supply?.level),
      opt(s.supply?.maxCapacity),
      s.supply?.percent === undefined ? "-" : `${s.supply.percent}%`,
      s.stateLabel + (s.attention && s.supply?.state !== SupplyState.LOW ? " (!)" : ""),
      s.supply?.levelOid || "-",
    ]),
  );
  section("Counters", ["KIND", "NAME", "VALUE", "UNIT", "OID"], d.counters.map((c) => [kindName(c.kind), c.name, String(c.value), unitName(c.unit), c.oid || "-"]));
  section("Counter flags", ["AT", "COUNTER", "PREVIOUS", "VALUE", "REASON"], d.flags.map((f) => [formatTime(dateOf(f.at)), [kindName(f.kind), f.name].filter(Boolean).join(" "), String(f.previous), String(f.value), f.reason]));
  section("Problems of the last read", ["SECTION", "OID", "MESSAGE"], d.problems.map((p) => [p.section, p.oid || "-", p.message]));
  section(
    "Newest readings",
    ["READ AT", "ADDRESS", "PAGES", "STATUS", "READING ID"],
    d.readings.map((r) => [formatTime(dateOf(r.readAt)), r.address, opt(r.totalPages), r.status || "-", r.id]),
  );
  return out;
}

/** The command. */
export const DEVICE_SHOW_COMMANDS: Record<string, AdminCommand<unknown>> = {
  "device show": {
    usage: "device show DEVICE_ID [--readings 10] [--json]",
    valued: ["readings"],
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      const device = arg(p, 0, "DEVICE_ID");
      noMoreArgs(p, 1);
      const n = flag(p, "readings");
      const r = await ctx.api.getDevice({ device, readingsPageSize: n === undefined ? 10 : parseCount(n, "--readings", 1, 200) });
      if (wantsJson(p)) printJson(ctx, messageToJson(GetDeviceResponseSchema, r));
      else ctx.io.out(formatDevice(r, ctx.now()));
      return 0;
    },
  },
};
