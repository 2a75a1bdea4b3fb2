/**
 * `npm run demo`: a printer fleet on loopback (the simulator serving real
 * and made-up recordings), swept and read by the compiled agent, printed as
 * a fleet table. Nothing leaves 127.0.0.0/8.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const shared = join(root, "..", "shared", "fixtures", "printers");
const recordings = [join(root, "test", "fixtures", "snmprec"), ...(existsSync(shared) ? [shared] : [])];
const port = 16161;
const bin = existsSync(join(root, "build/out/dca")) ? [join(root, "build/out/dca")] : [process.execPath, join(root, "src/agent/main.ts")];

console.log(`Starting a simulated fleet of 48 SNMP devices on 127.20.0.1-48:${port} (recordings: ${recordings.join(", ")})`);
const sim = Bun.spawn(
  [process.execPath, join(root, "test/sim/main.ts"), "--recordings", recordings.join(","), "--base", "127.20.0.1", "--count", "48", "--port", String(port), "--silent-fraction", "0.1"],
  { stdout: "pipe", stderr: "inherit" },
);
const reader = sim.stdout.getReader();
const first = await reader.read();
if (!new TextDecoder().decode(first.value).includes('"ready":true')) {
  console.error("the simulator did not start");
  process.exit(1);
}

console.log(`Running: dca scan 127.20.0.0/26 --port ${port} --timeout 500ms --json\n`);
const scan = Bun.spawn([...bin, "scan", "127.20.0.0/26", "--port", String(port), "--timeout", "500ms", "--json"], {
  stdout: "pipe",
  stderr: "pipe",
});
const [out, err] = await Promise.all([new Response(scan.stdout).text(), new Response(scan.stderr).text(), scan.exited]);
sim.kill();

type Reading = {
  address: string;
  vendor?: string;
  model?: string;
  serialNumber?: string;
  counters?: { kind: string; value: string }[];
  supplies?: { description?: string; percent?: number; state?: string }[];
};
const rows = out
  .trim()
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Reading)
  .sort((a, b) => a.address.localeCompare(b.address, undefined, { numeric: true }));
const table = rows.map((r) => {
  const total = r.counters?.find((c) => c.kind === "COUNTER_KIND_TOTAL")?.value ?? "-";
  const known = (r.supplies ?? []).filter((s) => s.percent !== undefined);
  const low = known.sort((a, b) => (a.percent ?? 0) - (b.percent ?? 0))[0];
  const lowest = low ? `${low.description} ${low.percent} %` : (r.supplies?.[0]?.state?.replace("SUPPLY_STATE_", "").toLowerCase() ?? "-");
  return [r.address, r.vendor ?? "", r.model ?? "", r.serialNumber ?? "", total, lowest];
});
const header = ["address", "vendor", "model", "serial", "total pages", "lowest supply"];
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => String(r[i]).length)));
const line = (r: string[]) => r.map((c, i) => String(c).padEnd(Math.min(widths[i], 40)).slice(0, 40)).join("  ");
console.log(line(header));
for (const r of table) console.log(line(r));
console.log(`\n${err.trim().split("\n").at(-1)}`);
console.log("Read one yourself: build/out/dca read 127.20.0.1:16161 (start the fleet with: npx bun test/sim/main.ts --help)");
