/**
 * Requests per second of our simulator against Debian's snmpsimd, in one
 * run, on the same recording, with the same load generator running in its
 * own process. Not a unit test: run it by hand and copy the table into
 * README.md. The simulator is a test tool: these are no product figures.
 *
 *   npx bun test/bench/sim/bench.ts [--seconds 10] [--inflight 32] [--repeat 3] [--recording FILE] [--pdu getnext|get]
 *
 * Each simulator runs in a child process; its CPU time comes from /proc.
 * Runs are interleaved and the median is reported, because on a small
 * shared machine one run can be off by 20%.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import dgram from "node:dgram";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Tag } from "../../../src/common/ber.ts";
import { PduType, encodeCommunityMessage } from "../../../src/agent/snmp/message.ts";

const ROOT = resolve(import.meta.dir, "../../..");
const { values: v } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    inflight: { type: "string", default: "32" },
    recording: { type: "string", default: join(ROOT, "../shared/fixtures/printers/jetdirect_m880.snmprec") },
    pdu: { type: "string", default: "getnext" },
    repeat: { type: "string", default: "3" },
    "snmpsim-logging": { type: "string", default: "null" },
  },
  strict: true,
});
const recording = resolve(v.recording);
const stem = basename(recording).replace(/\.snmprec$/, "");
const bun = process.execPath;

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    throw new Error(`simulator process ${pid} is gone (see its stderr above)`);
  }
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
}

/** Resolves once `address:port` answers a GET for `community`. */
async function waitForAgent(address: string, port: number, community: string, timeoutMs = 60000): Promise<void> {
  const req = encodeCommunityMessage({
    version: 1,
    community: Buffer.from(community),
    pdu: { type: PduType.Get, requestId: 1, errorStatus: 0, errorIndex: 0, varbinds: [{ oid: "1.3.6.1.2.1.1.1.0", tag: Tag.Null, value: null }] },
  }).slice();
  const sock = dgram.createSocket("udp4");
  sock.on("error", () => {});
  const answered = new Promise<void>((r) => sock.once("message", () => r()));
  const deadline = Date.now() + timeoutMs;
  let done = false;
  answered.then(() => (done = true));
  while (!done && Date.now() < deadline) {
    sock.send(req, port, address);
    await Promise.race([answered, Bun.sleep(250)]);
  }
  sock.close();
  if (!done) throw new Error(`${address}:${port} did not answer within ${timeoutMs} ms`);
}

interface LoadResult {
  requests: number;
  responses: number;
  errors: number;
  timeouts: number;
  seconds: number;
  rate: number;
}

async function load(pid: number, targetArgs: string[], community: string): Promise<LoadResult & { cpu: number }> {
  const cpu0 = cpuSeconds(pid);
  const gen = Bun.spawn(
    [bun, join(import.meta.dir, "load-generator.ts"), ...targetArgs, "--community", community, "--recording", recording,
      "--pdu", v.pdu, "--inflight", v.inflight, "--seconds", v.seconds, "--warmup", "0"],
    { stdout: "pipe", stderr: "inherit" },
  );
  const out = await new Response(gen.stdout).text();
  await gen.exited;
  const result = JSON.parse(out.trim()) as LoadResult;
  return { ...result, cpu: (cpuSeconds(pid) - cpu0) / result.seconds };
}

async function benchSnmpsim(port: number) {
  const data = mkdtempSync(join(tmpdir(), "bench-snmpsim-data-"));
  const cache = mkdtempSync(join(tmpdir(), "bench-snmpsim-cache-"));
  // The recording stays in ../shared; snmpsimd reads it through a symlink.
  symlinkSync(recording, join(data, basename(recording)));
  chmodSync(data, 0o755);
  chmodSync(cache, 0o777);
  const asRoot = process.getuid?.() === 0 ? ["--process-user=nobody", "--process-group=nogroup"] : [];
  const child = Bun.spawn(
    ["snmpsimd", `--data-dir=${data}`, `--cache-dir=${cache}`, `--agent-udpv4-endpoint=127.0.0.1:${port}`,
      `--logging-method=${v["snmpsim-logging"]}`, ...asRoot],
    { stdout: "ignore", stderr: "ignore" },
  );
  try {
    await waitForAgent("127.0.0.1", port, stem);
    await Bun.sleep(500);
    return await load(child.pid, ["--target", `127.0.0.1:${port}`], stem);
  } finally {
    child.kill("SIGTERM");
    await child.exited;
    rmSync(data, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
}

async function benchOurs(args: string[], targetArgs: string[], community: string, probe: [string, number]) {
  const child = Bun.spawn([bun, join(ROOT, "test/sim/main.ts"), "--recordings", recording, ...args], { stdout: "pipe", stderr: "inherit" });
  try {
    const reader = child.stdout.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    if (!first.includes('"ready":true')) throw new Error(`simulator did not start: ${first}`);
    await waitForAgent(probe[0], probe[1], community);
    return await load(child.pid, targetArgs, community);
  } finally {
    child.kill("SIGTERM");
    await child.exited;
  }
}

const row = (name: string, r: LoadResult & { cpu: number }) =>
  `| ${name} | ${r.rate.toLocaleString("en-US")} | ${(r.cpu * 100).toFixed(0)}% | ${Math.round(r.rate / Math.max(r.cpu, 0.01)).toLocaleString("en-US")} | ${r.timeouts} | ${r.errors} |`;

type Run = LoadResult & { cpu: number };
const configs: Record<string, () => Promise<Run>> = {
  snmpsim: () => benchSnmpsim(21161),
  oursDataDir: () => benchOurs(["--count", "0", "--data-dir-mode", "127.0.0.1:21162"], ["--target", "127.0.0.1:21162"], stem, ["127.0.0.1", 21162]),
  oursDgram: () =>
    benchOurs(["--count", "0", "--data-dir-mode", "127.0.0.1:21163", "--transport", "dgram"], ["--target", "127.0.0.1:21163"], stem, ["127.0.0.1", 21163]),
  oursFleet: () =>
    benchOurs(
      ["--base", "127.21.0.1", "--count", "1000", "--port", "21164"],
      ["--base", "127.21.0.1", "--count", "1000", "--port", "21164"],
      "public",
      ["127.21.3.232", 21164],
    ),
};
const runs: Record<string, Run[]> = {};
for (let i = 0; i < Number(v.repeat); i++) {
  for (const [name, run] of Object.entries(configs)) (runs[name] ??= []).push(await run());
}
const median = (rs: Run[]): Run => [...rs].sort((a, b) => a.rate - b.rate)[Math.floor(rs.length / 2)];
const results = Object.fromEntries(Object.entries(runs).map(([k, rs]) => [k, median(rs)]));

console.log(
  `\n${v.pdu.toUpperCase()} x ${v.inflight} in flight, ${v.seconds} s per run, median of ${v.repeat}, recording ${stem}, ${navigator.hardwareConcurrency} CPUs\n`,
);
console.log("| simulator | responses/s | sim CPU | responses per CPU-second | timeouts | errors |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
console.log(row(`snmpsimd 0.4.5 (--logging-method=${v["snmpsim-logging"]}), data-dir`, results.snmpsim));
console.log(row("test/sim, data-dir mode, Bun.udpSocket", results.oursDataDir));
console.log(row("test/sim, data-dir mode, node:dgram", results.oursDgram));
console.log(row("test/sim, 1000 devices (127.21.0.1-127.21.3.232), Bun.udpSocket", results.oursFleet));
console.log(`\nratio (ours data-dir / snmpsimd): ${(results.oursDataDir.rate / results.snmpsim.rate).toFixed(1)}x`);
console.log(JSON.stringify(Object.fromEntries(Object.entries(runs).map(([k, rs]) => [k, rs.map((r) => r.rate)]))));
