/**
 * What storing every reading durably costs a scan, seen through the
 * shipped binaries: `dca run`'s discovery of a simulated fleet (each
 * reading a fsynced put() into the outbox, uploads running alongside)
 * against `dca scan` of the same printers with the same settings (readings
 * printed, nothing stored). Both run with their defaults; the site names
 * only the simulator's port, and `dca scan` gets the same `--port`.
 */
import { join } from "node:path";
import type { Subprocess } from "bun";
import { freeUdpPort } from "../../support/free-port.ts";
import { type HubProcess, activateAgent, agentCommand, startAgentProcess } from "../../support/service-peers.ts";
import { repoRoot } from "../../support/shared-dir.ts";
import { cpuOf, median } from "./measure.ts";

const BASE = "127.24.0";
const RECORDINGS = ["mono-laser", "color-mfp", "v1-only"].map((n) => join(repoRoot, "test/fixtures/snmprec", `${n}.snmprec`));

interface Run {
  ms: number;
  cpuMs: number;
  read: number;
}

/** Starts the fleet simulator in a process of its own and waits for its ready line. */
async function startSim(printers: number, port: number): Promise<Subprocess> {
  const proc = Bun.spawn({
    cmd: [process.execPath, join(repoRoot, "test/sim/main.ts"), "--recordings", RECORDINGS.join(","), "--base", `${BASE}.1`, "--count", String(printers), "--port", String(port)],
    cwd: repoRoot,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
  let text = "";
  while (!text.includes('"ready":true')) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the simulator exited before it was ready: ${text}`);
    text += new TextDecoder().decode(value);
  }
  return proc;
}

/** One `dca run` on a freshly activated agent, from its "discovery ... started" line to its "discovery done" line. */
async function discoveryRun(hub: HubProcess, site: string, stateDir: string): Promise<Run & { reported: string }> {
  const code = (JSON.parse(await hub.must("code", "create", site, "--json")) as { code: string }).code;
  const act = await activateAgent(hub, stateDir, code);
  if (act.exitCode !== 0) throw new Error(`dca activate failed: ${act.stderr}`);
  const agent = startAgentProcess(stateDir, [], {}, { shortBackoff: false });
  try {
    await agent.waitForLog(/discovery of [^\n]* started/, 60_000);
    const t0 = performance.now();
    const cpu0 = cpuOf(agent.proc.pid);
    const done = await agent.waitForLog(/discovery done: [^\n]*/, 120_000);
    const ms = performance.now() - t0;
    const cpuMs = cpuOf(agent.proc.pid) - cpu0;
    return { ms, cpuMs, read: Number(/(\d+) printers read/.exec(done)?.[1] ?? 0), reported: done };
  } finally {
    await agent.stop();
  }
}

/** One `dca scan` process of the same range, from spawn to exit. */
async function scanRun(range: string, port: number): Promise<Run> {
  const t0 = performance.now();
  const proc = Bun.spawn({ cmd: [...agentCommand(), "scan", range, "--port", String(port), "--json"], cwd: repoRoot, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const out = await new Response(proc.stdout).text();
  const code = await proc.exited;
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`dca scan exited with ${code}: ${await new Response(proc.stderr).text()}`);
  const usage = proc.resourceUsage();
  const cpuMs = usage ? Number(usage.cpuTime.user + usage.cpuTime.system) / 1000 : Number.NaN;
  return { ms, cpuMs, read: out.split("\n").filter((l) => l.startsWith("{")).length };
}

/** Alternating runs of each; the simulator runs throughout. Returns a title and table lines. */
export async function discoveryVsScan(opts: { printers: number; repeat: number; hub: HubProcess; dir: string }): Promise<{ title: string; lines: string[] }> {
  const port = await freeUdpPort(`${BASE}.1`);
  const sim = await startSim(opts.printers, port);
  const range = `${BASE}.1-${opts.printers}`;
  const site = "Scan";
  await opts.hub.must("site", "create", site);
  await opts.hub.must("site", "set-targets", site, range);
  await opts.hub.must("site", "set-snmp", site, "--port", String(port));
  const run: (Run & { reported: string })[] = [];
  const scan: Run[] = [];
  try {
    await scanRun(range, port); // warm the simulator and the page cache; not reported
    for (let r = 0; r < opts.repeat; r++) {
      if (r % 2) scan.push(await scanRun(range, port));
      run.push(await discoveryRun(opts.hub, site, join(opts.dir, `scan-agent-${r}`)));
      if (r % 2 === 0) scan.push(await scanRun(range, port));
    }
  } finally {
    sim.kill("SIGTERM");
    await sim.exited;
  }
  const f = (n: number) => Math.round(n).toLocaleString("en-US");
  const row = (label: string, xs: Run[]) => {
    const perS = xs.map((x) => (x.read / x.ms) * 1000);
    return `| ${label} | ${xs.map((x) => x.read).join(", ")} | ${f(median(perS))} (${f(Math.min(...perS))}-${f(Math.max(...perS))}) | ${(median(xs.map((x) => x.ms)) / 1000).toFixed(2)} | ${f(median(xs.map((x) => (x.cpuMs * 1000) / x.read)))} |`;
  };
  const ratio = median(run.map((x) => x.read / x.ms)) / median(scan.map((x) => x.read / x.ms));
  // What a `dca` process costs before it does anything, which the scan's wall includes and the discovery's does not.
  const startMs: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    await Bun.spawn({ cmd: [...agentCommand(), "--version"], stdout: "ignore", stderr: "ignore" }).exited;
    startMs.push(performance.now() - t0);
  }
  return {
    title: `${opts.printers} simulated printers (${range}, port ${port}), ${opts.repeat} runs each, alternating, median (range)`,
    lines: [
      "| how | printers read | printers read/s | wall s | CPU µs/printer |",
      "| --- | --- | ---: | ---: | ---: |",
      row("`dca run` discovery, each reading fsynced into the outbox (log line to log line)", run),
      row("peer: `dca scan RANGE --port P --json` (process start to exit)", scan),
      `ratio (dca run / dca scan, printers read/s): ${ratio.toFixed(2)}; \`dca --version\` takes ${(median(startMs) / 1000).toFixed(2)} s (process start, in the scan's wall)`,
      `agent's own line: ${run.at(-1)?.reported}`,
    ],
  };
}
