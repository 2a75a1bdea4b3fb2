/**
 * The hub under issue 11's attacks, with the shipped binaries and their
 * defaults: for each attack a fresh `dca-hub serve` (build/out/dca-hub) and a
 * real `dca run` (build/out/dca) reading three simulated printers, while an
 * honest client with that agent's credential polls every 100 ms and uploads
 * 10 readings a second. Each attack runs in a process of its own
 * (attacker.ts); its peer is a quiet window of the same length on the same
 * hub, before it in odd rounds and after it in even ones. See README.md.
 *
 *   npm run build && bun test/bench/attack/bench.ts [--rounds 3] [--window 15] [--quota-window 45] [--only idle-flood,guessing]
 *
 * DCA_BIN and DCA_HUB_BIN pick other binaries (default build/out).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { freeUdpPort } from "../../support/service-peers.ts";
import { repoRoot } from "../../support/shared-dir.ts";
import { type RowResult, activationTable, mainTable, rowsOf } from "./report.ts";
import { type StagePlan, type StageResult, runStage } from "./stage.ts";

process.env.DCA_BIN ??= "build/out/dca";
process.env.DCA_HUB_BIN ??= "build/out/dca-hub";

const { values: v } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    window: { type: "string", default: "15" },
    "quota-window": { type: "string", default: "45" },
    only: { type: "string" },
    out: { type: "string" },
  },
  strict: true,
});
const windowMs = Number(v.window) * 1000;

/** The rows of the table, in order: label, attacker mode, what else each window times. */
const PLANS: { label: string; plan: Omit<StagePlan, "order"> }[] = [
  { label: "1a. zero-window HTTP/2, 20 connections x 2,000 Poll streams, no credential", plan: { attack: "zero-window", windowMs, extras: "none" } },
  { label: "1b. the same with a stolen credential", plan: { attack: "zero-window-stolen", windowMs, extras: "none" } },
  { label: "2. 13 MB UploadReadings bodies, no credential, 3 connections x 3 streams", plan: { attack: "big-uploads", windowMs, extras: "none" } },
  { label: "3. 1,600 idle TCP/TLS connections from 100 addresses, kept up", plan: { attack: "idle-flood", windowMs, extras: "activate+mqtt", activateAfterMs: 3_000 } },
  { label: "4. activation guessing from 20 addresses", plan: { attack: "guessing", windowMs, extras: "activate", activateAfterMs: 3_000 } },
  { label: "5. stolen credential uploading 1,000-reading batches back to back", plan: { attack: "quota", windowMs: Number(v["quota-window"]) * 1000, extras: "none" } },
];
const only = v.only?.split(",");
const plans = only ? PLANS.filter((p) => only.includes(p.plan.attack)) : PLANS;

const root = mkdtempSync(join(tmpdir(), "dca-attack-bench-"));
const simPort = await freeUdpPort();
const sim = Bun.spawn({
  cmd: [
    process.execPath,
    join(repoRoot, "test/sim/main.ts"),
    "--recordings",
    ["mono-laser", "color-mfp", "v1-only"].map((n) => join(repoRoot, "test/fixtures/snmprec", `${n}.snmprec`)).join(","),
    "--base",
    "127.27.0.1",
    "--count",
    "3",
    "--port",
    String(simPort),
  ],
  stdout: "pipe",
  stderr: "inherit",
});
const reader = (sim.stdout as ReadableStream<Uint8Array>).getReader();
const first = new TextDecoder().decode((await reader.read()).value);
if (!first.includes('"ready":true')) throw new Error(`the fleet simulator did not start: ${first}`);

const results: { round: number; label: string; stage: StageResult }[] = [];
try {
  for (let round = 1; round <= Number(v.rounds); round++) {
    for (const { label, plan } of plans) {
      // The guessing spends the hub's activation budget for a minute: its quiet window always goes first.
      const order = round % 2 === 1 || plan.attack === "guessing" ? "quiet first" : "attack first";
      const started = Date.now();
      const stage = await runStage({ root, simPort, simTargets: "127.27.0.1-3" }, { ...plan, order }, `r${round}-${plan.attack}`);
      results.push({ round, label, stage });
      console.error(`round ${round}, ${plan.attack} (${order}) done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  }
} finally {
  sim.kill("SIGTERM");
  await sim.exited;
  rmSync(root, { recursive: true, force: true });
}

const byLabel = new Map<string, RowResult[]>();
for (const r of results) for (const row of rowsOf(r.label, r.stage)) byLabel.set(row.label, [...(byLabel.get(row.label) ?? []), row]);
const out = v.out ?? join(tmpdir(), `dca-attack-bench-${Date.now()}.json`);
writeFileSync(out, JSON.stringify(results, null, 1));
console.log(`${mainTable(byLabel)}\n\n${activationTable(byLabel)}\n\nrounds: ${v.rounds}; every call and count: ${out}`);
