/**
 * Round trips and time to read one printer: every recording (the repo's
 * own, the profile goldens and ../shared's LibreNMS recordings) served by
 * the fleet simulator, read by readDevice, compared in the same run with
 * what a LibreNMS-style poller sends: Net-SNMP's snmpbulkwalk of the
 * subtrees it reads (system, HOST-RESOURCES devices, Printer-MIB, and the
 * profile's vendor subtree). Requests are counted by the simulator itself.
 *
 *   npx bun test/bench/read/bench.ts [--repeat 3]
 */
import { existsSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { readDevice } from "../../../src/agent/reader/read-device.ts";
import { matchProfile } from "../../../src/agent/profiles/index.ts";
import { startFleet } from "../../sim/fleet.ts";
import { secret } from "../../../src/common/secret.ts";

const root = join(import.meta.dir, "../../..");
const repeat = Number(process.argv[process.argv.indexOf("--repeat") + 1]) || 3;
const dirs = [join(root, "test/fixtures/snmprec"), join(root, "test/fixtures/profiles"), join(root, "../shared/fixtures/printers")];
const files = dirs
  .filter(existsSync)
  .flatMap((d) => readdirSync(d).filter((f) => f.endsWith(".snmprec") && !f.includes("@")).map((f) => join(d, f)));

const fleet = await startFleet({ dataDir: { address: "127.0.0.1", recordings: files } });
const dev = fleet.dataDir!;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function counted<T>(fn: () => Promise<T>): Promise<{ requests: number; ms: number; value: T }> {
  const before = dev.stats().received;
  const t0 = performance.now();
  const value = await fn();
  return { requests: dev.stats().received - before, ms: performance.now() - t0, value };
}

async function bulkwalk(community: string, oid: string): Promise<void> {
  const p = Bun.spawn(["snmpbulkwalk", "-v2c", "-c", community, "-Cr30", "-On", "-t", "2", "-r", "1", `127.0.0.1:${dev.port}`, oid], { stdout: "ignore", stderr: "ignore" });
  await p.exited;
}

const rows: { name: string; ours: number; oursMs: number; peer: number; peerMs: number; printer: boolean }[] = [];
for (const file of files) {
  const community = basename(file, ".snmprec");
  const ours: { requests: number; ms: number }[] = [];
  let vendorRoot = "";
  let printer = false;
  for (let i = 0; i < repeat; i++) {
    const r = await counted(() =>
      readDevice({ target: { host: dev.address, port: dev.port, timeoutMs: 1000, retries: 1 }, credentials: [{ name: "bench", version: "v2c", community: secret(community) }] }).catch(() => undefined),
    );
    ours.push(r);
    if (r.value) {
      printer = r.value.supplies.length > 0 || r.value.counters.length > 0;
      const prefix = matchProfile(r.value.sysObjectId, r.value.sysDescr).sysObjectId?.[0];
      vendorRoot = prefix ? prefix.split(".").slice(0, 7).join(".") : "";
    }
  }
  const peer: { requests: number; ms: number }[] = [];
  if (Bun.which("snmpbulkwalk")) {
    for (let i = 0; i < repeat; i++) {
      peer.push(
        await counted(async () => {
          for (const oid of ["1.3.6.1.2.1.1", "1.3.6.1.2.1.25.3.2", "1.3.6.1.2.1.43", ...(vendorRoot ? [vendorRoot] : [])]) await bulkwalk(community, oid);
        }),
      );
    }
  }
  rows.push({
    name: community,
    ours: median(ours.map((x) => x.requests)),
    oursMs: median(ours.map((x) => x.ms)),
    peer: peer.length ? median(peer.map((x) => x.requests)) : Number.NaN,
    peerMs: peer.length ? median(peer.map((x) => x.ms)) : Number.NaN,
    printer,
  });
}
await fleet.stop();

const full = rows.filter((r) => r.printer);
console.log(`${files.length} recordings, ${full.length} read as printers with supplies or counters; median of ${repeat} reads each\n`);
console.log("| recording | dca requests | dca ms | snmpbulkwalk requests | snmpbulkwalk ms |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const r of full) console.log(`| ${r.name} | ${r.ours} | ${r.oursMs.toFixed(1)} | ${r.peer} | ${r.peerMs.toFixed(1)} |`);
const m = (f: (r: (typeof full)[number]) => number) => median(full.map(f));
console.log(
  `\nmedian over printers: dca ${m((r) => r.ours)} requests in ${m((r) => r.oursMs).toFixed(1)} ms; ` +
    `snmpbulkwalk ${m((r) => r.peer)} requests in ${m((r) => r.peerMs).toFixed(1)} ms (process start included); ` +
    `request ratio ${(m((r) => r.ours) / m((r) => r.peer)).toFixed(2)}`,
);
