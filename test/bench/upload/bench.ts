/**
 * Upload throughput, end to end: an outbox pre-filled with N realistic
 * readings drains into a real hub process (loopback, TLS, gRPC) through
 * the agent's own service loop (runAgent), which uploads a batch, waits
 * for the acknowledgement and deletes exactly the acknowledged ids. Not a
 * unit test: run it by hand and copy the table into README.md.
 *
 *   npx bun test/bench/upload/bench.ts [--readings 5000] [--repeat 3] [--devices 500] [--printers 250] [--skip-scan]
 *
 * Rows: runAgent with batches of 100 and 500 (in this process); the same
 * batches sent with no outbox at all (the peer: what the hub and the wire
 * alone allow); a real `dca run` process from its start to an empty
 * outbox; and readings/s stored into the outbox during a real scan of a
 * simulated fleet (scan-into-outbox.ts). DCA_BIN and DCA_HUB_BIN pick
 * compiled binaries for the agent process and the hub.
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
import { scanIntoOutbox } from "./scan-into-outbox.ts";

const { values: v } = parseArgs({
  options: {
    readings: { type: "string", default: "5000" },
    repeat: { type: "string", default: "3" },
    printers: { type: "string", default: "250" },
    devices: { type: "string", default: "500" },
    "skip-scan": { type: "boolean", default: false },
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

/** A real `dca run` process on a pre-filled outbox: from spawn until the outbox file is empty. */
async function drainWithProcess(stateDir: string): Promise<Rate & { firstAckMs: number; steadyPerS: number }> {
  const path = join(stateDir, "outbox.db");
  filledOutbox(path).close();
  const hubCpu0 = cpuOf(hub!.proc.pid);
  const t0 = performance.now();
  const agent = startAgentProcess(stateDir);
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

  // Warm-up (JIT on both sides, the hub's device rows): one drain, not reported.
  await uploadOnly(stateDir, 500);
  const rows: string[] = [];
  for (const batch of [100, 500]) {
    const e2e: Rate[] = [];
    const peer: Rate[] = [];
    for (let r = 0; r < REPEAT; r++) {
      e2e.push(await drainWithRunAgent(stateDir, batch, r));
      peer.push(await uploadOnly(stateDir, batch));
    }
    rows.push(rateRow(`runAgent, batch ${batch}`, e2e), rateRow(`upload only (peer), batch ${batch}`, peer));
  }
  const proc: Awaited<ReturnType<typeof drainWithProcess>>[] = [];
  for (let r = 0; r < REPEAT; r++) proc.push(await drainWithProcess(stateDir));
  const firstAck = median(proc.map((p) => p.firstAckMs)).toFixed(0);
  const steady = Math.round(median(proc.map((p) => p.steadyPerS))).toLocaleString("en-US");
  rows.push(rateRow(`dca run process, batch 500, from its start (first ack after ${firstAck} ms; ${steady}/s after it)`, proc));

  console.log(`${N} readings of ${toBinary(DeviceReadingSchema, sampleReading(0)).length} bytes from ${DEVICES} devices, ${REPEAT} runs, median (range)`);
  console.log("| how | readings/s | agent CPU µs/reading | hub CPU µs/reading |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const row of rows) console.log(row);

  if (!v["skip-scan"]) {
    const scan = await scanIntoOutbox({ printers: Number(v.printers), repeat: REPEAT, dir: root });
    console.log(`\nscan of ${scan.printers} simulated printers (${scan.printersRead} read), ${REPEAT} runs, median (range)`);
    console.log("| store | printers read/s | wall s | CPU µs/reading |");
    console.log("| --- | ---: | ---: | ---: |");
    for (const row of scan.rows) console.log(row);
  }
} finally {
  await hub?.stop();
  rmSync(root, { recursive: true, force: true });
}
