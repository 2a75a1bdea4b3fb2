/**
 * Writes the snmpd.conf of the read benchmark to stdout: community `public`,
 * made to look like a colour MFP. The listening addresses go on snmpd's command
 * line (run.sh), because snmpd cuts a long `agentaddress` value short.
 *
 * Debian builds hr_print without printcap or lpstat support, so the printer is given to snmpd as `override` lines: the Printer-MIB and
 * hrPrinterTable of test/fixtures/snmprec/color-mfp.snmprec and the PWG
 * counters of test/fixtures/profiles/pwg-mfp.snmprec. sysObjectID stays
 * snmpd's own (1.3.6.1.4.1.8072.3.2.10), so dca classifies by the follow-up
 * query (prtGeneralPrinterName.1 answers), as for an unknown vendor, and reads
 * it with the generic profile. Everything else (system, ifTable, hrDeviceTable,
 * the rest of MIB-II and NET-SNMP's own MIBs) is snmpd's.
 *
 *   bun test/bench/read/snmpd-conf.ts > snmpd.conf
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const fixtures = join(import.meta.dir, "../../fixtures");

/** snmprec type tag -> snmpd `override` type. */
const TYPES: Record<string, string> = { "2": "integer", "4": "octet_str", "4x": "octet_str", "6": "object_id", "65": "counter", "66": "unsigned", "67": "unsigned" };

function overrides(file: string, prefixes: string[]): string[] {
  const out: string[] = [];
  for (const line of readFileSync(join(fixtures, file), "utf8").split("\n")) {
    const [oid, tag, ...rest] = line.split("|");
    if (!oid || !tag || !prefixes.some((p) => oid.startsWith(`${p}.`))) continue;
    const type = TYPES[tag];
    if (!type) continue;
    const raw = rest.join("|");
    const value = tag === "4x" ? `0x${raw || "00"}` : tag === "4" ? `"${raw.replace(/["\\]/g, "")}"` : raw;
    out.push(`override ${oid} ${type} ${value}`);
  }
  return out;
}

const lines = [
  "rocommunity public",
  "dontLogTCPWrappersConnects yes",
  "sysdescr Bench colour MFP (Debian snmpd)",
  ...overrides("snmprec/color-mfp.snmprec", ["1.3.6.1.2.1.43", "1.3.6.1.2.1.25.3.5"]),
  ...overrides("profiles/pwg-mfp.snmprec", ["1.3.6.1.4.1.2699"]),
];
console.log(lines.join("\n"));
