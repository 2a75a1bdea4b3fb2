/**
 * Our side of the /16 sweep benchmark: sweeps a target list with the
 * discovery prober (one socket, request-id multiplexing) and prints one
 * JSON line with what it found. Run it under /usr/bin/time -v, see run.sh.
 *
 *   bun test/bench/sweep/run-dca-sweep.ts --targets 127.77.0.0-127.77.255.255 --timeout 1000 --retries 1 --rate 100000
 */
import { parseArgs } from "node:util";
import { createProber } from "../../../src/agent/discovery/prober.ts";
import { resolveTargets } from "../../../src/agent/discovery/targets.ts";

const { values: v } = parseArgs({
  options: {
    targets: { type: "string", multiple: true },
    exclude: { type: "string", multiple: true },
    port: { type: "string", default: "161" },
    community: { type: "string", multiple: true },
    versions: { type: "string", default: "v2c" },
    timeout: { type: "string", default: "1000" },
    retries: { type: "string", default: "1" },
    rate: { type: "string", default: "100000" },
    window: { type: "string", default: "100000" },
    list: { type: "boolean", default: false },
  },
  strict: true,
});
if (!v.targets) {
  console.error("usage: run-dca-sweep.ts --targets SPEC [--targets SPEC...] [--exclude SPEC] [--port N] [--community C]\n" +
    "  [--versions v2c,v1] [--timeout MS] [--retries N] [--rate PPS] [--window N] [--list]");
  process.exit(2);
}

const t0 = performance.now();
const targets = await resolveTargets(v.targets, { exclude: v.exclude, defaultPort: Number(v.port) });
const communities = v.community ?? ["public"];
const prober = createProber({
  communities,
  versions: v.versions.split(",") as ("v1" | "v2c")[],
  timeoutMs: Number(v.timeout),
  retries: Number(v.retries),
  rate: Number(v.rate),
  window: Number(v.window),
});
const sweep = prober.sweep(targets);
const found: string[] = [];
for await (const a of sweep) found.push(a.address);
const wallMs = performance.now() - t0;
prober.close();
if (v.list) for (const a of found) console.log(a);
console.log(
  JSON.stringify({
    tool: "dca",
    targets: targets.count,
    found: found.length,
    wallMs: Math.round(wallMs),
    progress: sweep.progress(),
    counters: prober.counters(),
    heapMB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
  }),
);
