/** The human table `dca read` prints. */
import type { DeviceReading } from "../../gen/dca/v1/reading_pb.ts";
import { CounterKind, CounterUnit, SupplyState, SupplyType } from "../../gen/dca/v1/reading_pb.ts";

const enumName = (e: Record<string | number, string | number>, v: number) =>
  String(e[v] ?? v).toLowerCase().replace(/_/g, " ");

function rows(title: string, header: string[], body: string[][]): string {
  if (body.length === 0) return "";
  const all = [header, ...body];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => `  ${r.map((c, i) => (c ?? "").padEnd(widths[i])).join("  ").trimEnd()}`;
  return `\n${title}\n${line(header)}\n${body.map(line).join("\n")}\n`;
}

export function formatReading(r: DeviceReading): string {
  const id = [
    ["Address", r.address],
    ["Vendor", r.vendor],
    ["Model", r.model],
    ["Serial", r.serialNumber],
    ["MAC", r.macAddress],
    ["Firmware", r.firmware],
    ["NIC FW", r.networkFirmware],
    ["Hostname", r.hostname],
    ["Status", [r.status?.deviceStatus, r.status?.printerStatus, ...(r.status?.detectedErrors ?? [])].filter(Boolean).join(", ")],
    ["Profile", `${r.profile} (credential ${r.credential}, ${r.requestCount} requests, ${r.readDurationMs} ms)`],
  ].filter(([, v]) => v);
  let out = id.map(([k, v]) => `${k.padEnd(9)} ${v}`).join("\n");
  out += rows(
    "Counters",
    ["kind", "value", "unit", "name"],
    r.counters.map((c) => [enumName(CounterKind, c.kind), c.value.toString(), enumName(CounterUnit, c.unit), c.name]),
  );
  out += rows(
    "Supplies",
    ["description", "type", "colour", "level", "max", "percent", "state"],
    r.supplies.map((s) => [
      s.description,
      enumName(SupplyType, s.type),
      s.color,
      String(s.level ?? "-"),
      String(s.maxCapacity ?? "-"),
      s.percent === undefined ? "-" : `${s.percent} %`,
      s.remainingPages === undefined ? enumName(SupplyState, s.state) : `${enumName(SupplyState, s.state)} (${s.remainingPages} pages left)`,
    ]),
  );
  out += rows(
    "Trays",
    ["name", "level", "max", "percent", "media"],
    r.trays.map((t) => [t.name || `tray ${t.index}`, String(t.currentLevel ?? "-"), String(t.maxCapacity ?? "-"), t.percent === undefined ? "-" : `${t.percent} %`, t.mediaName]),
  );
  out += rows("Alerts", ["severity", "code", "description"], r.alerts.map((a) => [a.severity, a.code, a.description]));
  if (r.console.length) out += `\nConsole\n${r.console.map((l) => `  ${l}`).join("\n")}\n`;
  out += rows("Problems", ["section", "oid", "message"], r.problems.map((p) => [p.section, p.oid, p.message]));
  return `${out}\n`;
}
