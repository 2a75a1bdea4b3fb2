/**
 * The simulator against Debian's net-snmp command-line tools (package
 * `snmp`): walks must reproduce the recording file value for value.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { compareOids, parseOid } from "../../src/common/ber.ts";
import { type Fleet, startFleet } from "./fleet.ts";

// GPL test data from LibreNMS, read in place (see /work/shared/fixtures/printers/SOURCE.md).
const FIXTURES = join(import.meta.dir, "../../../shared/fixtures/printers");
const TOOLS = ["snmpwalk", "snmpbulkwalk", "snmpget"];
const missing = TOOLS.filter((t) => !Bun.which(t));
if (missing.length > 0) {
  console.warn(`SKIPPING debian-snmp-tools tests: ${missing.join(", ")} not found (apt-get install snmp)`);
}
// Numeric OIDs, hex strings, raw timeticks, no MIB loading.
const FORMAT = ["-m", "", "-On", "-Ox", "-Ot", "-Le"];

/**
 * The recording as the tools should print it, read straight from the file
 * (independent of our parser): first of duplicated OIDs, unreadable values left out.
 */
function expectedWalk(file: string, opts: { v1?: boolean; under?: string } = {}): string[] {
  const seen = new Set<string>();
  const rows: [number[], string][] = [];
  for (const line of readFileSync(file, "latin1").split("\n")) {
    const t = line.trim();
    if (!t || t.startsWith("#")) continue;
    const [oid, tag, ...rest] = t.split("|");
    const value = rest.join("|");
    if (seen.has(oid)) continue;
    seen.add(oid);
    if (opts.under && !oid.startsWith(`${opts.under}.`)) continue;
    if (opts.v1 && tag === "70") continue;
    const norm = normalizeRecorded(tag, value);
    if (norm !== null) rows.push([parseOid(oid), `${oid} ${norm}`]);
  }
  return rows.sort((a, b) => compareOids(a[0], b[0])).map((r) => r[1]);
}

function normalizeRecorded(tag: string, value: string): string | null {
  const hex = (s: string) => s.toLowerCase();
  switch (tag) {
    case "2":
    case "65":
    case "66":
    case "67":
    case "70":
      return /^-?\d+$/.test(value) ? `${tag}:${BigInt(value)}` : null;
    case "4":
      return `4:${Buffer.from(value, "latin1").toString("hex")}`;
    case "4x":
      return `4:${hex(value)}`;
    case "5":
      return "5:";
    case "6":
      return `6:${value.replace(/^\./, "")}`;
    case "64":
      return `64:${value}`;
    case "64x":
      return `64:${[...Buffer.from(value, "hex")].join(".")}`;
    default:
      throw new Error(`tag ${tag} not expected in the fixtures`);
  }
}

/** Parses `snmpwalk -On -Ox -Ot` output into the same form, minus the end-of-MIB markers a walk from 1.3 ends with. */
function parseToolOutput(out: string): string[] {
  const entries: string[] = [];
  for (const line of out.split("\n")) {
    if (line === "End of MIB" || line.includes("= No more variables left in this MIB View")) continue;
    if (line.startsWith(".")) entries.push(line);
    else if (line.trim() && entries.length > 0) entries[entries.length - 1] += ` ${line}`;
  }
  return entries.map((e) => {
    const m = /^\.(\S+) = (.*)$/.exec(e);
    if (!m) throw new Error(`unexpected tool output: ${e}`);
    const [, oid, v] = m;
    const typed = /^([A-Za-z0-9-]+): ?(.*)$/.exec(v);
    const [type, val] = typed ? [typed[1], typed[2].trim()] : ["", v.trim()];
    const norm =
      type === "INTEGER" ? `2:${val}`
      : type === "Counter32" ? `65:${val}`
      : type === "Gauge32" ? `66:${val}`
      : type === "Counter64" ? `70:${val}`
      : type === "Hex-STRING" ? `4:${val.replace(/\s+/g, "").toLowerCase()}`
      : type === "OID" ? `6:${val.replace(/^\./, "")}`
      : type === "IpAddress" ? `64:${val}`
      : v === '""' ? "4:"
      : v === "NULL" ? "5:"
      : /^\d+$/.test(v) ? `67:${v}`
      : `?:${v}`;
    return `${oid} ${norm}`;
  });
}

async function run(cmd: string[]): Promise<string> {
  // Async on purpose: the simulator answers from this same event loop.
  const p = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`${cmd.join(" ")} exited ${code}: ${err}`);
  return out;
}

let fleet: Fleet;
const endpoint = (i: number) => `${fleet.devices[i].address}:${fleet.devices[i].port}`;

beforeAll(async () => {
  if (missing.length > 0) return;
  fleet = await startFleet({
    devices: [
      { address: "127.77.4.1", recording: join(FIXTURES, "jetdirect_m880.snmprec") },
      { address: "127.77.4.2", recording: join(FIXTURES, "okilan_9450g.snmprec") },
      {
        address: "127.77.4.3",
        recording: join(FIXTURES, "xerox.snmprec"),
        v3Users: [
          { name: "blumenthal", authProtocol: "sha256", authKey: "authpass1", privProtocol: "aes256", privKey: "privpass1" },
          { name: "reeder", authProtocol: "sha512", authKey: "authpass2", privProtocol: "aes256c", privKey: "privpass2" },
          { name: "classic", authProtocol: "md5", authKey: "authpass3", privProtocol: "des", privKey: "privpass3" },
          { name: "aes", authProtocol: "sha224", authKey: "authpass4", privProtocol: "aes128", privKey: "privpass4" },
        ],
      },
    ],
    dataDir: { address: "127.77.4.100", recordings: FIXTURES },
  });
});

afterAll(async () => {
  await fleet?.stop();
});

describe.skipIf(missing.length > 0)("Debian net-snmp tools", () => {
  test("snmpbulkwalk of every recording (data-dir mode) matches the file", async () => {
    const d = fleet.dataDir!;
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".snmprec"));
    for (const f of files) {
      const community = f.replace(/\.snmprec$/, "");
      const out = await run(["snmpbulkwalk", "-v2c", "-c", community, ...FORMAT, `${d.address}:${d.port}`, "1.3"]);
      expect({ f, walk: parseToolOutput(out) }).toEqual({ f, walk: expectedWalk(join(FIXTURES, f)) });
    }
  });

  test("snmpwalk (GETNEXT) v2c of the Printer-MIB matches the file", async () => {
    const out = await run(["snmpwalk", "-v2c", "-c", "public", ...FORMAT, endpoint(0), "1.3.6.1.2.1.43"]);
    const walk = parseToolOutput(out);
    expect(walk.length).toBeGreaterThan(100);
    expect(walk).toEqual(expectedWalk(join(FIXTURES, "jetdirect_m880.snmprec"), { under: "1.3.6.1.2.1.43" }));
  });

  test("snmpwalk v1 of everything matches the file without Counter64", async () => {
    const out = await run(["snmpwalk", "-v1", "-c", "public", ...FORMAT, endpoint(1), "1.3"]);
    expect(parseToolOutput(out)).toEqual(expectedWalk(join(FIXTURES, "okilan_9450g.snmprec"), { v1: true }));
  });

  test("snmpget shows the unreadable value as noSuchInstance and a missing one as noSuchObject", async () => {
    const out = await run(["snmpget", "-v2c", "-c", "public", ...FORMAT, endpoint(1), "1.3.6.1.2.1.2.2.1.17.1", "1.3.6.1.2.1.1.99.0", "1.3.6.1.2.1.1.3.0"]);
    expect(out).toContain(".1.3.6.1.2.1.2.2.1.17.1 = No Such Instance");
    expect(out).toContain(".1.3.6.1.2.1.1.99.0 = No Such Object");
    expect(out).toContain(".1.3.6.1.2.1.1.3.0 = 53036118");
  });

  test.each([
    ["blumenthal", "SHA-256", "authpass1", "AES-256", "privpass1"],
    ["reeder", "SHA-512", "authpass2", "AES-256-C", "privpass2"],
    ["classic", "MD5", "authpass3", "DES", "privpass3"],
    ["aes", "SHA-224", "authpass4", "AES", "privpass4"],
  ])("snmpget -v3 as %s (%s/%s)", async (user, auth, authPass, priv, privPass) => {
    const out = await run(["snmpget", "-v3", "-l", "authPriv", "-u", user, "-a", auth, "-A", authPass, "-x", priv, "-X", privPass, ...FORMAT, endpoint(2), "1.3.6.1.2.1.1.1.0"]);
    expect(out).toStartWith(".1.3.6.1.2.1.1.1.0 = Hex-STRING: 58 65 72 6F 78"); // "Xerox"
  });
});
