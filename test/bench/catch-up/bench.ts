/**
 * Catching up after a hub outage, with the shipped binaries and their
 * defaults: a real `dca-hub serve` and `dca run` on loopback, printers
 * from the fleet simulator, a site that polls every 30 s and reads every
 * 5 s (so readings pile up in the agent's outbox while the hub is down).
 * Each round stops the hub for `--outage` seconds, starts it again on the
 * same ports and data folder, and at once creates a scan task, as an admin
 * would right after a restart. It measures, from the moment the restarted
 * hub is ready:
 *   - task start: until the agent's "task ... started" line;
 *   - upload resume: until the hub's readings table grows (the outbox
 *     backlog arriving).
 *
 *   npm run build && bun test/bench/catch-up/bench.ts [--outage 150] [--rounds 1]
 *   DCA_BIN=... DCA_HUB_BIN=... pick other binaries (default build/out).
 */
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startFleet } from "../../sim/fleet.ts";
import { type HubProcess, activateAgent, eventually, freePort, freeUdpPort, startAgentProcess, startHubProcess } from "../../support/service-peers.ts";
import { repoRoot } from "../../support/shared-dir.ts";

process.env.DCA_BIN ??= "build/out/dca";
process.env.DCA_HUB_BIN ??= "build/out/dca-hub";

const { values } = parseArgs({ options: { outage: { type: "string", default: "150" }, rounds: { type: "string", default: "1" } } });
const outageMs = Number(values.outage) * 1000;
const rounds = Number(values.rounds);

const tmp = mkdtempSync(join(tmpdir(), "dca-catch-up-"));
const simPort = await freeUdpPort();
const fleet = await startFleet({
  devices: ["mono-laser", "color-mfp", "v1-only"].map((name, i) => ({
    address: `127.26.0.${i + 1}`,
    port: simPort,
    recording: join(repoRoot, "test/fixtures/snmprec", `${name}.snmprec`),
  })),
});
const hubDir = join(tmp, "hub");
const [port, mqttPort] = [await freePort(), await freePort()];
const startHub = () => startHubProcess(hubDir, port, ["--mqtt-listen", `127.0.0.1:${mqttPort}`]);
let hub: HubProcess = await startHub();
const readingCount = () => {
  const db = new Database(join(hubDir, "hub.db"), { readonly: true });
  try {
    return (db.query("SELECT count(*) AS n FROM readings").get() as { n: number }).n;
  } finally {
    db.close();
  }
};

await hub.must("site", "create", "Acme");
await hub.must("site", "set-targets", "Acme", "127.26.0.1-3");
await hub.must("site", "set-snmp", "Acme", "--port", String(simPort), "--timeout", "500ms", "--retries", "0");
await hub.must("site", "set-schedule", "Acme", "--read", "5s", "--poll", "30s");
const code = JSON.parse(await hub.must("code", "create", "Acme", "--json")).code as string;
const stateDir = join(tmp, "agent");
const act = await activateAgent(hub, stateDir, code);
if (act.exitCode !== 0) throw new Error(`activate failed: ${act.stderr}`);
const agent = startAgentProcess(stateDir, [], {}, { shortBackoff: false });
await agent.waitForLog(/discovery done/, 60_000);
await eventually(() => readingCount() >= 3 || undefined, 30_000, "the first readings at the hub");
await agent.waitForLog(/wake-ups: connected/, 30_000);

const results: { taskMs: number; uploadMs: number; waiting: string }[] = [];
try {
  let lastRound = "";
  for (let r = 0; r < rounds; r++) {
    const roundStart = agent.log().length;
    await hub.stop();
    const before = readingCount();
    await Bun.sleep(outageMs);
    const logBefore = agent.log().length;
    hub = await startHub();
    const ready = performance.now();
    const created = await hub.must("task", "create", "Acme", "scan", "--json");
    const taskId = (JSON.parse(created) as { id: string }).id;
    const taskStarted = agent.waitForLog(new RegExp(`task ${taskId} \\(.*\\) started`), 600_000).then(() => performance.now() - ready);
    const uploaded = eventually(() => readingCount() > before || undefined, 600_000, "uploads to resume").then(() => performance.now() - ready);
    const [taskMs, uploadMs] = await Promise.all([taskStarted, uploaded]);
    // The agent's own line for this round (an agent without it, such as an older build, leaves "?").
    const resumed = await eventually(() => /uploads resumed[^\n]*/.exec(agent.log().slice(logBefore))?.[0], 5_000, "the resume line").catch(() => undefined);
    const waiting = resumed ? (/(\d+) readings? waiting/.exec(resumed)?.[1] ?? "?") : "?";
    results.push({ taskMs, uploadMs, waiting });
    console.log(`round ${r + 1}: outage ${outageMs / 1000} s; task started ${taskMs.toFixed(0)} ms and uploads resumed ${uploadMs.toFixed(0)} ms after the hub was ready; ${waiting} waiting`);
    if (resumed) console.log(`  agent log: ${resumed}`);
    lastRound = agent.log().slice(roundStart);
  }
  // What the log says about the outage and the catching up, for the README.
  const said = lastRound.split("\n").filter((l) => /upload|wake-ups|the hub answers|poll|resumed|task .* started/.test(l));
  console.log(`the agent's lines about the last outage:\n${said.map((l) => `  ${l}`).join("\n")}`);
} finally {
  await agent.stop();
  await hub.stop();
  await fleet.stop();
  rmSync(tmp, { recursive: true, force: true });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1]!;
console.log(`agent ${process.env.DCA_BIN}, outage ${outageMs / 1000} s, ${rounds} round(s): median task start ${(median(results.map((r) => r.taskMs)) / 1000).toFixed(1)} s, median upload resume ${(median(results.map((r) => r.uploadMs)) / 1000).toFixed(1)} s after the hub was ready`);
console.log(JSON.stringify({ outageS: outageMs / 1000, results }));
