/**
 * Readings/s stored into the outbox during a real scan: the fleet
 * simulator in a process of its own serves N printers on loopback, and the
 * service's discovery job (runDiscovery: sweep, classify, read every
 * printer) puts each reading into a fresh outbox, one fsynced put() each,
 * as `dca run` does. The peer is the same scan with the readings thrown
 * away, so the difference is what storing them durably costs.
 */
import { freeUdpPort } from "../../support/free-port.ts";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { systemClock } from "../../../src/common/clock.ts";
import { openOutbox } from "../../../src/agent/outbox/index.ts";
import { serviceConfigFromHub } from "../../../src/agent/service/config-from-hub.ts";
import { type JobContext, runDiscovery } from "../../../src/agent/service/jobs.ts";
import { AgentConfigSchema } from "../../../src/gen/dca/v1/agent_service_pb.ts";
import { repoRoot } from "../../support/shared-dir.ts";
import { median } from "./measure.ts";

const BASE = [127, 24, 0, 1];
const RECORDINGS = ["mono-laser", "color-mfp", "v1-only"].map((n) => join(repoRoot, "test/fixtures/snmprec", `${n}.snmprec`));

export interface ScanResult {
  printers: number;
  printersRead: number;
  /** Table rows: | store | printers read/s | wall s | CPU µs/reading |. */
  rows: string[];
}

function addressAt(i: number): string {
  const n = ((BASE[0]! << 24) | (BASE[1]! << 16) | (BASE[2]! << 8) | BASE[3]!) + i;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** Starts the simulator process and waits for its ready line. */
async function startSim(printers: number, port: number) {
  const proc = Bun.spawn({
    cmd: [process.execPath, join(repoRoot, "test/sim/main.ts"), "--recordings", RECORDINGS.join(","), "--base", addressAt(0), "--count", String(printers), "--port", String(port)],
    cwd: repoRoot,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = proc.stdout.getReader();
  let text = "";
  while (!text.includes('"ready":true')) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the simulator exited before it was ready: ${text}`);
    text += new TextDecoder().decode(value);
  }
  return proc;
}

/** Runs the scan `repeat` times with each way of storing; the simulator runs throughout. */
export async function scanIntoOutbox(opts: { printers: number; repeat: number; dir: string }): Promise<ScanResult> {
  const port = await freeUdpPort(addressAt(0));
  const sim = await startSim(opts.printers, port);
  const config = serviceConfigFromHub(
    create(AgentConfigSchema, { version: 1n, targets: [`${addressAt(0)}-${addressAt(opts.printers - 1)}`], snmp: { port, timeoutMs: 1000 } }),
  );
  const runs: Record<string, { ms: number; cpuMs: number; read: number }[]> = { outbox: [], discard: [], warmup: [] };
  try {
    // One scan of each kind first, not reported: JIT warm-up on both paths.
    for (let r = -1; r < opts.repeat; r++) {
      for (const how of ["outbox", "discard"] as const) {
        const outbox = how === "outbox" ? openOutbox(join(opts.dir, `scan-${r + 1}.db`)) : undefined;
        let read = 0;
        const ctx: JobContext = {
          config,
          state: { devices: [] },
          sink: {
            put(reading) {
              read++;
              return outbox ? outbox.put(reading) : "";
            },
          },
          clock: systemClock,
          saveState() {},
          log() {},
        };
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        await runDiscovery(ctx);
        const ms = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        if (outbox && outbox.stats().depth !== read) throw new Error(`outbox holds ${outbox.stats().depth} of ${read} readings`);
        outbox?.close();
        runs[r < 0 ? "warmup" : how]!.push({ ms, cpuMs: (cpu.user + cpu.system) / 1000, read });
      }
    }
  } finally {
    sim.kill("SIGTERM");
    await sim.exited;
  }
  const row = (label: string, xs: { ms: number; cpuMs: number; read: number }[]) => {
    const perS = xs.map((x) => (x.read / x.ms) * 1000);
    const f = (n: number) => Math.round(n).toLocaleString("en-US");
    return `| ${label} | ${f(median(perS))} (${f(Math.min(...perS))}-${f(Math.max(...perS))}) | ${(median(xs.map((x) => x.ms)) / 1000).toFixed(2)} | ${f(median(xs.map((x) => (x.cpuMs * 1000) / x.read)))} |`;
  };
  return {
    printers: opts.printers,
    printersRead: runs.outbox![0]!.read,
    rows: [row("outbox, one fsynced put() per reading", runs.outbox!), row("thrown away (peer)", runs.discard!)],
  };
}
