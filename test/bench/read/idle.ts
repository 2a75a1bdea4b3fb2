/**
 * `dca run` idle memory: the shipped hub (`build/out/dca-hub serve`, embedded
 * MQTT broker) and the shipped agent (`build/out/dca activate`, then
 * `dca run`) on loopback. Once the agent says its wake-up connection is up
 * and its first passes are done, its RSS is sampled from /proc every second
 * for `--seconds` (default 30). For scale, in the same run: the RSS of
 * `dca --version` (the binary loaded, nothing running).
 *
 *   npm run build && bun test/bench/read/idle.ts [--seconds 30]
 *
 * `--record-order FILE`: the agent also writes the bytecode it used to FILE
 * (BUN_BYTECODE_ORDER_OUT), the profile build/compile.ts lays the agent out by.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { activateAgent, startAgentProcess, startHubProcess } from "../../support/service-peers.ts";
import { IDLE_TRIM_DELAY_MS } from "../../../src/agent/service/idle-trim.ts";

const root = join(import.meta.dir, "../../..");
process.env.DCA_BIN ??= join(root, "build/out/dca");
process.env.DCA_HUB_BIN ??= join(root, "build/out/dca-hub");
const seconds = Number(process.argv[process.argv.indexOf("--seconds") + 1]) || 30;
const orderAt = process.argv.indexOf("--record-order");
const recordOrder: Record<string, string> = orderAt > 0 ? { BUN_BYTECODE_ORDER_OUT: process.argv[orderAt + 1]! } : {};

/** User + system CPU seconds a process has used so far (/proc/PID/stat, clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** VmRSS, VmHWM, RssAnon and RssFile of a process, in MB. */
function rss(pid: number): { rss: number; peak: number; anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024, anon: kb("RssAnon") / 1024, file: kb("RssFile") / 1024 };
}

const dir = mkdtempSync(join(tmpdir(), "dca-idle-"));
const hub = await startHubProcess(join(dir, "hub"));
try {
  await hub.must("site", "create", "Idle");
  await hub.must("site", "set-targets", "Idle", "127.0.0.1");
  await hub.must("site", "set-schedule", "Idle", "--poll", "300s", "--discovery", "24h", "--read", "24h");
  const code = JSON.parse(await hub.must("code", "create", "Idle", "--json")).code as string;
  const state = join(dir, "agent");
  const act = await activateAgent(hub, state, code);
  if (act.exitCode !== 0) throw new Error(`activation failed: ${act.stderr}`);
  const agent = startAgentProcess(state, [], recordOrder);
  try {
    await agent.waitForLog(/wake-ups: connected/, 30_000);
    // The first discovery pass (one silent address), then the quiet time after which the agent gives memory back.
    await agent.waitForLog(/discovery done/, 30_000);
    await Bun.sleep(IDLE_TRIM_DELAY_MS + 1000);
    const samples: number[] = [];
    for (let i = 0; i < seconds; i++) {
      samples.push(rss(agent.proc.pid).rss);
      await Bun.sleep(1000);
    }
    const { peak, anon, file } = rss(agent.proc.pid);
    const cpu = cpuSeconds(agent.proc.pid);
    const version = Bun.spawnSync(["/usr/bin/time", "-f", "%M", process.env.DCA_BIN!, "--version"], { stderr: "pipe" });
    const versionMb = Number(version.stderr.toString().trim().split("\n").at(-1)) / 1024;
    const sorted = [...samples].sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        idleRssMbMedian: Number(sorted[Math.floor(sorted.length / 2)]!.toFixed(1)),
        idleRssMbMax: Number(sorted.at(-1)!.toFixed(1)),
        peakRssMbSinceStart: Number(peak.toFixed(1)),
        anonMb: Number(anon.toFixed(1)),
        fileMb: Number(file.toFixed(1)),
        seconds,
        agentCpuSecondsSinceStart: cpu,
        dcaVersionRssMb: Number(versionMb.toFixed(1)),
      }),
    );
  } finally {
    await agent.stop();
  }
} finally {
  await hub.stop();
  rmSync(dir, { recursive: true, force: true });
}
