/**
 * Hostile printers (issue 11 item 9): what a device answering ever-longer
 * OIDs, a slow device and a device that stalls every walk cost `dca read`
 * and `dca scan`, run as a user runs them (defaults unless the row names its
 * flags), and how long the honest printers of a scan wait for their
 * readings with and without hostile devices in the same run. The fleet
 * simulator runs in this process on 127.36.0.0/16.
 *
 *   npx bun test/bench/attack/hostile-printers.ts [--dca build/out/dca] [--before PATH] [--cap 300]
 *
 * `--before` runs each row with a second binary too (the one before the
 * fix), alternating which goes first; `--cap` kills a run after that many
 * seconds (the unbounded ones).
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type DeviceOptions, type HostileMode, startFleet } from "../../sim/fleet.ts";
import { freeUdpPort } from "../../support/free-port.ts";
import { repoRoot } from "../../support/shared-dir.ts";
import { type TimedRun, timedRun } from "../../support/timed-run.ts";

const { values } = parseArgs({ options: { dca: { type: "string", default: "build/out/dca" }, before: { type: "string" }, cap: { type: "string", default: "300" } } });
const capMs = Number(values.cap) * 1000;
const fixtures = join(repoRoot, "test/fixtures/snmprec");
const port = await freeUdpPort();
const HONEST = 8;
const STALLED = 36;

const devices: DeviceOptions[] = [];
const add = (address: string, hostile: HostileMode[], i = 0) =>
  devices.push({ address, port, recording: join(fixtures, i % 2 ? "mono-laser.snmprec" : "color-mfp.snmprec"), hostile });
add("127.36.0.1", ["longer-oids"]);
add("127.36.0.2", ["slow"]);
add("127.36.0.3", ["slow", "endless"]);
// Scan of 8 longer-OID devices and 8 honest ones.
for (let i = 1; i <= 8; i++) add(`127.36.1.${i}`, ["longer-oids"]);
for (let i = 1; i <= HONEST; i++) add(`127.36.1.${8 + i}`, [], i);
// The honest printers alone, and the same after 36 devices that stall every walk.
for (let i = 1; i <= HONEST; i++) add(`127.36.2.${i}`, [], i);
for (let i = 1; i <= STALLED; i++) add(`127.36.3.${i}`, ["slow-walks", "endless"]);
for (let i = 1; i <= HONEST; i++) add(`127.36.3.${STALLED + i}`, [], i);
const fleet = await startFleet({ devices });

interface Row {
  name: string;
  args: string[];
  /** Addresses whose readings are honest (for the wait of the last one). */
  honest?: (address: string) => boolean;
}
const rows: Row[] = [
  { name: "read, 1 device answering ever-longer OIDs", args: ["read", `127.36.0.1:${port}`, "--json"] },
  { name: "read, 1 device answering every request after 0.5 s", args: ["read", `127.36.0.2:${port}`, "--json"] },
  { name: "read, 1 device answering every request after 0.5 s, with tables that never end", args: ["read", `127.36.0.3:${port}`, "--json"] },
  { name: "scan, 8 ever-longer-OID devices + 8 honest", args: ["scan", "127.36.1.1-16", "--port", String(port), "--json"] },
  { name: "scan, 8 honest printers alone", args: ["scan", "127.36.2.1-8", "--port", String(port), "--json"], honest: () => true },
  {
    name: `scan, the 8 honest printers after ${STALLED} devices stalling every walk (0.5 s, endless tables)`,
    args: ["scan", `127.36.3.1-${STALLED + HONEST}`, "--port", String(port), "--json"],
    honest: (a) => Number(a.split(":")[0]!.split(".")[3]) > STALLED,
  },
];

function describe(run: TimedRun, row: Row): string {
  const secs = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const readings = run.lines.flatMap((l) => {
    try {
      return [{ atMs: l.atMs, reading: JSON.parse(l.text) }];
    } catch {
      return [];
    }
  });
  const requests = readings.map((r) => Number(r.reading.requestCount));
  const honest = row.honest ? readings.filter((r) => row.honest!(String(r.reading.address))) : [];
  const limit = readings.flatMap((r) => (r.reading.problems ?? []).filter((p: { section: string }) => p.section === "read").map((p: { message: string }) => p.message.split(";")[0]));
  return [
    run.killed ? `> ${secs(capMs)} (killed)` : secs(run.wallMs),
    run.killed || Number.isNaN(run.maxRssMb) ? "-" : `${run.maxRssMb.toFixed(0)} MB`,
    requests.length ? `${Math.max(...requests)} requests (most of one device)` : "-",
    honest.length ? `last of ${honest.length} honest readings at ${secs(Math.max(...honest.map((h) => h.atMs)))}` : row.honest ? "no honest reading" : "",
    limit.length ? `${limit.length} x "${limit[0]}"` : "",
    run.exitCode === null ? "" : `exit ${run.exitCode}`,
  ].filter(Boolean).join(" | ");
}

const binaries = values.before ? [values.dca, values.before] : [values.dca];
let flip = false;
for (const row of rows) {
  console.log(`\n${row.name}`);
  const order = flip ? [...binaries].reverse() : binaries;
  flip = !flip;
  for (const bin of order) {
    const run = await timedRun([bin, ...row.args], { DCA_STATE_DIR: `/tmp/dca-hostile-bench-${process.pid}` }, capMs);
    console.log(`  ${bin === values.dca ? "after " : "before"} ${describe(run, row)}`);
  }
}
await fleet.stop();
