/**
 * Device Web Access with the shipped binaries: time from `dca-hub web-access
 * open` (the command's start) to the session page's first byte and to its
 * load event in headless Chromium, with an idle agent (first discovery done);
 * and a 5 MB download from the simulated printer through the tunnel against
 * the same download straight from the simulator, same run, alternating which
 * goes first. Hub and agent CPU seconds over the tunnel downloads, and their
 * peak RSS. Once with the SSH relay port (ssh://), once with it off
 * (`--relay-listen none`: wss://.../relay on the hub's port). Not a unit
 * test: run it by hand and copy the figures into README.md.
 *
 *   npm run build && bun test/bench/web-access/bench.ts [--rounds 7] [--downloads 6]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { launchChromium } from "../../support/chromium.ts";
import { timeDownload, timePageLoad } from "../../support/page-timing.ts";
import { type WebAccessStack, startWebAccessStack } from "../../support/web-access-stack.ts";

process.env.DCA_BIN ??= "build/out/dca";
process.env.DCA_HUB_BIN ??= "build/out/dca-hub";
const { values } = parseArgs({ options: { rounds: { type: "string", default: "7" }, downloads: { type: "string", default: "6" } } });
const ROUNDS = Number(values.rounds);
const DOWNLOADS = Number(values.downloads);

/** user+sys CPU seconds of a process so far (Linux /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
/** Peak resident memory of a process so far, MB. */
function peakRssMb(pid: number): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const range = (xs: number[], digits = 0) => `${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)}`;

async function measure(label: string, stack: WebAccessStack): Promise<void> {
  const [sim] = stack.sims;
  const chrome = await launchChromium({ trustCertificates: [stack.caPem] });
  try {
    const firstByte: number[] = [];
    const load: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await Bun.sleep(1000); // the agent idle again: the last session's tunnel closed
      const started = Date.now();
      const s = await stack.open(sim!.host, sim!.httpPort);
      const t = await timePageLoad(chrome, s.url);
      if (t.failedRequests.length || t.status !== 200) throw new Error(`round ${i}: ${t.status} ${t.failedRequests.join(", ")}`);
      firstByte.push(t.firstByteEpochMs - started);
      load.push(t.loadEpochMs - started);
      await stack.hub.must("web-access", "close", s.id);
    }
    const s = await stack.open(sim!.host, sim!.httpPort, "--wait");
    const tunnelUrl = s.url.replace("/?key", "/download/5mb?key");
    const directUrl = `${sim!.httpOrigin}/download/5mb`;
    await timeDownload(tunnelUrl, { ca: stack.caPem }); // the session's cookie and pooled connection set up once
    const tunnel: number[] = [];
    const direct: number[] = [];
    let cpu = 0;
    const hubPid = stack.hub.proc.pid;
    const agentPid = stack.agent.proc.pid;
    const cpuHub0 = cpuSeconds(hubPid);
    const cpuAgent0 = cpuSeconds(agentPid);
    for (let i = 0; i < DOWNLOADS; i++) {
      const order = i % 2 ? ["direct", "tunnel"] : ["tunnel", "direct"];
      for (const which of order) {
        if (which === "direct") direct.push((await timeDownload(directUrl)).seconds);
        else {
          const c0 = cpuSeconds(hubPid) + cpuSeconds(agentPid);
          const d = await timeDownload(tunnelUrl, { ca: stack.caPem });
          cpu += cpuSeconds(hubPid) + cpuSeconds(agentPid) - c0;
          if (d.bytes !== 5 * 1024 * 1024) throw new Error(`tunnel download: ${d.bytes} bytes`);
          tunnel.push(d.seconds);
        }
      }
    }
    const cpuHub = cpuSeconds(hubPid) - cpuHub0;
    const cpuAgent = cpuSeconds(agentPid) - cpuAgent0;
    await stack.hub.must("web-access", "close", s.id);
    const mbps = (secs: number) => (5 * 1024 * 1024) / secs / 1e6;
    console.log(`\n## ${label}`);
    console.log(`open -> first byte: median ${median(firstByte).toFixed(0)} ms (${range(firstByte)}), ${ROUNDS} rounds`);
    console.log(`open -> load event: median ${median(load).toFixed(0)} ms (${range(load)})`);
    console.log(`5 MB through the tunnel: median ${median(tunnel).toFixed(3)} s (${range(tunnel, 3)}), ${mbps(median(tunnel)).toFixed(0)} MB/s`);
    console.log(`5 MB direct:             median ${median(direct).toFixed(3)} s (${range(direct, 3)}), ${mbps(median(direct)).toFixed(0)} MB/s`);
    console.log(`ratio tunnel/direct (time): ${(median(tunnel) / median(direct)).toFixed(1)}`);
    console.log(`CPU during the ${DOWNLOADS} tunnel downloads + the direct ones between: hub ${cpuHub.toFixed(2)} s, agent ${cpuAgent.toFixed(2)} s (hub+agent within the tunnel downloads alone: ${cpu.toFixed(2)} s, ${(cpu / DOWNLOADS).toFixed(2)} s per 5 MB)`);
    console.log(`peak RSS: hub ${peakRssMb(hubPid).toFixed(0)} MB, agent ${peakRssMb(agentPid).toFixed(0)} MB`);
  } finally {
    await chrome.close();
  }
}

for (const [label, hubArgs] of [
  ["ssh:// relay (the hub's SSH port)", []],
  ["wss:// relay (--relay-listen none)", ["--relay-listen", "none"]],
] as const) {
  const stack = await startWebAccessStack({ sims: [{ host: "127.0.0.45" }], hubArgs: [...hubArgs] });
  try {
    await measure(label, stack);
  } finally {
    await stack.stop();
  }
}
