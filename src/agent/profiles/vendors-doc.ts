/**
 * docs/vendors.md, generated from the profiles (`npm run gen:docs`); a test
 * fails when the committed file differs from what the profiles say.
 */
import { CounterKind } from "../../gen/dca/v1/reading_pb.ts";
import { coverageOf } from "./coverage.ts";
import { PROFILES } from "./index.ts";

const yes = (b: boolean, what = "private") => (b ? what : "standard");

export function vendorsMarkdown(): string {
  const rows = PROFILES.map(coverageOf);
  const lines = [
    "# Vendor coverage",
    "",
    "Generated from `src/agent/profiles` by `npm run gen:docs`; do not edit by hand (a test",
    "compares this file with the profiles).",
    "",
    "Every device, whatever its vendor, gets the standard readings: identity from SNMPv2-MIB,",
    "HOST-RESOURCES and the Printer-MIB (RFC 3805), the lifetime total from prtMarkerLifeCount,",
    "supplies and trays from the Printer-MIB (with -1 / -2 / -3 as states, never fake percentages),",
    "status and error bits from HOST-RESOURCES, the alert table and the console, and, where the",
    "device answers it, the PWG Imaging System Counter MIB (PWG 5106.1: impressions per service -",
    "print, copy, scan, fax - by monochrome and colour, two-sided, sheets). A profile adds what",
    "the vendor keeps in its private tree. \"standard\" below means only the standard sources apply;",
    "\"private\" means the profile reads the vendor's own meters or levels as well. A reading has",
    "exactly one TOTAL, the meter to bill from: the vendor's own total where the profile reads one,",
    "else the PWG total, else prtMarkerLifeCount; the others stay in the reading as OTHER under",
    "their own names and OIDs.",
    "",
    "| profile | brands on the label | identity from the private tree | total | mono / colour | per function | supply levels | alerts |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const c of rows) {
    lines.push(
      `| ${c.id} | ${[c.vendor, ...c.brands].join(", ")} | ${c.identity.join(", ") || "-"} | ${yes(c.total)} | ${yes(c.monoColor)} | ${c.perFunction.join(", ") || "-"} | ${yes(c.privateSupplies, "standard + private")} | standard |`,
    );
  }
  lines.push("", "## Meter kinds per profile", "");
  for (const c of rows) {
    const names = c.kinds.map((k) => CounterKind[k]?.toLowerCase() ?? String(k));
    lines.push(`- **${c.id}**: ${names.join(", ") || "(Printer-MIB total only)"}`);
  }
  return `${lines.join("\n")}\n`;
}
