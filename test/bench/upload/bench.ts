/**
 * Upload throughput of the product, end to end: a real `dca run` process
 * (build/out/dca, default flags) on an outbox pre-filled with N realistic
 * readings drains into a real `dca-hub serve` (build/out/dca-hub,
 * loopback, TLS, gRPC): it uploads a batch, waits for the acknowledgement
 * and deletes exactly the acknowledged ids. Not a unit test: run it by
 * hand and copy the table into README.md.
 *
 *   npm run build && bun test/bench/upload/bench.ts [--readings 5000] [--repeat 3] [--devices 500] [--printers 250] [--skip-scan] [--component]
 *
 * Rows: `dca run` from its start to an empty outbox; the peer, the same
 * readings sent in batches of 500 by a bare gRPC client with no outbox
 * (what the hub and the wire alone allow), alternating which goes first;
 * and `dca run`'s discovery of a simulated fleet (each reading fsynced into
 * the outbox) against `dca scan` of the same printers (discovery-vs-scan.ts).
 * --component adds the service loop (runAgent) in this process: a
 * component figure, not a product one. DCA_BIN and DCA_HUB_BIN pick other
 * binaries (default build/out).
 */
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { type Outbox, openOutbox } from "../../../src/agent/outbox/index.ts";
import { sampleReading } from "../../../src/agent/outbox/testdata/sample-reading.ts";
import { createHubClient, type HubClient } from "../../../src/agent/service/hub-client.ts";
import { runAgent } from "../../../src/agent/service/run-agent.ts";
import { createRuntimeStore } from "../../../src/agent/service/runtime-state.ts";
import { loadIdentity } from "../../../src/agent/state/index.ts";
import { OutboxReadingSchema } from "../../../src/gen/dca/v1/agent_service_pb.ts";
import { type DeviceReading, DeviceReadingSchema } from "../../../src/gen/dca/v1/reading_pb.ts";
import { activateAgent, type HubProcess, startAgentProcess, startHubProcess } from "../../support/service-peers.ts";
import { cpuOf, median, type Rate, rateRow } from "./measure.ts";
import { discoveryVsScan } from "./discovery-vs-scan.ts";

process.env.DCA_BIN ??= "build/out/dca";
process.env.DCA_HUB_BIN ??= "build/out/dca-hub";

const { values: v } = parseArgs({
  options: {
    readings: { type: "string", default: "5000" },
    repeat: { type: "string", default: "3" },
    printers: { type: "string", default: "250" },
    devices: { type: "string", default: "500" },
    "skip-scan": { type: "boolean", default: false },
    component: { type: "boolean", default: false },
  },
  strict: true,
});
const N = Number(v.readings);
const REPEAT = Number(v.repeat);
/** Devices the readings come from (one site), each read many times over the runs. */
const DEVICES = Number(v.devices);

const root = mkdtempSync(join(tmpdir(), "dca-upload-bench-"));
let hub: HubProcess | undefined;
let next = 0;

/** The sample MFP (2.6 KB) as device n % DEVICES, read 10 ms after the reading before it. */
const startMs = Date.now() - 24 * 3600_000;
function nextReading(): DeviceReading {
  const r = sampleReading(next % DEVICES);
  // Later readings of a device are read later, as in life (the hub compares counters with the previous one).
  r.readAt = timestampFromMs(startMs + next++ * 10);
  return r;
}

/** Fills a fresh outbox with N readings, in the agent's own format. */
function filledOutbox(path: string): Outbox {
  const outbox = openOutbox(path);
  for (let i = 0; i < N; i += 500) {
    outbox.putMany(Array.from({ length: Math.min(500, N - i) }, () => ({ reading: nextReading() })));
  }
  return outbox;
}

/** runAgent (the service loop of `dca run`) in this process, from start until the outbox is empty. */
async function drainWithRunAgent(stateDir: string, batch: number, run: number): Promise<Rate> {
  const identity = loadIdentity(stateDir)!;
  const outbox = filledOutbox(join(root, `runagent-${batch}-${run}.db`));
  const client = createHubClient(identity, identity);
  const runtimeDir = mkdtempSync(join(root, "runtime-"));
  const hubCpu0 = cpuOf(hub!.proc.pid);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const agent = runAgent({ client, outbox, runtime: createRuntimeStore(runtimeDir), agentVersion: "bench", hostname: "bench", log: () => {}, uploadBatch: batch });
  while (outbox.stats().depth > 0) await Bun.sleep(2);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const hubCpuMs = cpuOf(hub!.proc.pid) - hubCpu0;
  await agent.stop();
  outbox.close();
  client.close();
  return { readings: N, ms, agentCpuMs: (cpu.user + cpu.system) / 1000, hubCpuMs };
}

/** The peer: the same batches, already encoded as messages, sent one after the other with no outbox. */
async function uploadOnly(stateDir: string, batch: number): Promise<Rate> {
  const identity = loadIdentity(stateDir)!;
  const client: HubClient = createHubClient(identity, identity);
  const batches = Array.from({ length: Math.ceil(N / batch) }, (_, b) =>
    Array.from({ length: Math.min(batch, N - b * batch) }, (_, i) =>
      create(OutboxReadingSchema, { id: crypto.randomUUID(), seq: BigInt(b * batch + i + 1), reading: nextReading() }),
    ),
  );
  const hubCpu0 = cpuOf(hub!.proc.pid);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let acked = 0;
  for (const readings of batches) acked += (await client.uploadReadings({ readings })).acknowledgedIds.length;
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const hubCpuMs = cpuOf(hub!.proc.pid) - hubCpu0;
  client.close();
  if (acked !== N) throw new Error(`the hub acknowledged ${acked} of ${N}`);
  return { readings: N, ms, agentCpuMs: (cpu.user + cpu.system) / 1000, hubCpuMs };
}

/** A real `dca run` process (default flags) on a pre-filled outbox: from spawn until the outbox file is empty. */
async function drainWithProcess(stateDir: string): Promise<Rate & { firstAckMs: number; steadyPerS: number }> {
  const path = join(stateDir, "outbox.db");
  filledOutbox(path).close();
  const hubCpu0 = cpuOf(hub!.proc.pid);
  const t0 = performance.now();
  const agent = startAgentProcess(stateDir, [], {}, { shortBackoff: false });
  let firstAckMs = 0;
  let leftAtFirstAck = N;
  let ms: number;
  let agentCpuMs: number;
  try {
    for (;;) {
      const n = waitingIn(path);
      if (n < N && firstAckMs === 0) {
        firstAckMs = performance.now() - t0;
        leftAtFirstAck = n;
      }
      if (n === 0) break;
      if (agent.proc.exitCode !== null) throw new Error(`dca run exited: ${agent.log().slice(-2000)}`);
      await Bun.sleep(5);
    }
    ms = performance.now() - t0;
    agentCpuMs = cpuOf(agent.proc.pid);
  } finally {
    await agent.stop();
  }
  const hubCpuMs = cpuOf(hub!.proc.pid) - hubCpu0;
  return { readings: N, ms, agentCpuMs, hubCpuMs, firstAckMs, steadyPerS: (leftAtFirstAck / (ms - firstAckMs)) * 1000 };
}

/** Readings waiting in the outbox file another process writes (a read-only look; N while it is busy opening). */
function waitingIn(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    db.run("PRAGMA busy_timeout = 1000");
    return (db.query("SELECT count(*) AS n FROM readings").get() as { n: number }).n;
  } catch (e) {
    if (String((e as { code?: string }).code).startsWith("SQLITE_BUSY")) return N;
    throw e;
  } finally {
    db.close();
  }
}

try {
  hub = await startHubProcess(join(root, "hub"));
  await hub.must("site", "create", "Bench");
  const code = (JSON.parse(await hub.must("code", "create", "Bench", "--json")) as { code: string }).code;
  const stateDir = join(root, "agent");
  const act = await activateAgent(hub, stateDir, code);
  if (act.exitCode !== 0) throw new Error(`dca activate failed: ${act.stderr}`);

  // Warm-up (JIT in the hub, its device rows): one drain, not reported.
  await uploadOnly(stateDir, 500);
  const rows: string[] = [];
  const proc: Awaited<ReturnType<typeof drainWithProcess>>[] = [];
  const peer: Rate[] = [];
  // Alternate which goes first: the machine is shared, and load drifts over a run.
  for (let r = 0; r < REPEAT; r++) {
    if (r % 2) peer.push(await uploadOnly(stateDir, 500));
    proc.push(await drainWithProcess(stateDir));
    if (r % 2 === 0) peer.push(await uploadOnly(stateDir, 500));
  }
  const firstAck = median(proc.map((p) => p.firstAckMs)).toFixed(0);
  const steady = median(proc.map((p) => p.steadyPerS));
  const peerPerS = median(peer.map((p) => (p.readings / p.ms) * 1000));
  const fromStart = median(proc.map((p) => (p.readings / p.ms) * 1000));
  rows.push(rateRow(`\`dca run\` from its start (first ack after ${firstAck} ms; ${Math.round(steady).toLocaleString("en-US")}/s after it)`, proc));
  rows.push(rateRow("peer: bare gRPC client, batches of 500, no outbox", peer));
  if (v.component) {
    for (const batch of [100, 500]) {
      const runs: Rate[] = [];
      for (let r = 0; r < REPEAT; r++) runs.push(await drainWithRunAgent(stateDir, batch, r));
      rows.push(rateRow(`component: runAgent in this process, batch ${batch}`, runs));
    }
  }

  console.log(`${N} readings of ${toBinary(DeviceReadingSchema, sampleReading(0)).length} bytes from ${DEVICES} devices, ${REPEAT} runs, median (range); agent ${process.env.DCA_BIN}, hub ${process.env.DCA_HUB_BIN}`);
  console.log("| how | readings/s | agent CPU µs/reading | hub CPU µs/reading |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const row of rows) console.log(row);
  console.log(`ratio to the peer: from its start ${(fromStart / peerPerS).toFixed(2)}, after the first ack ${(steady / peerPerS).toFixed(2)}`);

  if (!v["skip-scan"]) {
    const scan = await discoveryVsScan({ printers: Number(v.printers), repeat: REPEAT, hub: hub!, dir: root });
    console.log(`\n${scan.title}`);
    for (const line of scan.lines) console.log(line);
  }
} finally {
  await hub?.stop();
  rmSync(root, { recursive: true, force: true });
}
