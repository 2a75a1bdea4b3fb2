/**
 * Update download-to-healthy time of the linux-x64 agent (test/bench/update/README.md):
 * release builds made here with throw-away keys (build/release.ts: both executables,
 * 0.1.0 and 0.2.0), the hub's release build serving 0.2.0 on loopback, and a fresh
 * 0.1.0 agent per run that finds the offer in its first poll. The peer: curl fetching
 * the same file from the same hub over HTTP/2 with the agent's credential, then
 * sha256sum (the floor of "download and check"), alternating which goes first.
 *
 *   bun test/bench/update/run.ts [--runs 5]
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadIdentity } from "../../../src/agent/state/index.ts";
import { writeTestChain } from "../../support/release-keys.ts";
import { agentEnv, runCommand, startAgentProcess, startHubProcess } from "../../support/service-peers.ts";
import { repoRoot } from "../../support/shared-dir.ts";

const runs = Number(process.argv[process.argv.indexOf("--runs") + 1] || 5);
const dir = mkdtempSync(join(tmpdir(), "dca-bench-update-"));
const keys = writeTestChain(dir);
const f = keys.files;
for (const version of ["0.1.0", "0.2.0"]) {
  const r = Bun.spawnSync(
    [process.execPath, "build/release.ts", "--root-pub", f.rootPub, "--signing-key", f.signingKey, "--cert", f.cert, "--revocations", f.revocations,
      "--targets", "linux-x64", "--out", join(dir, "release"), "--version", version],
    { cwd: repoRoot, stdout: "pipe", stderr: "pipe" },
  );
  if (r.exitCode !== 0) throw new Error(r.stderr.toString());
}
const rel = (v: string, name: string) => join(dir, "release", v, `${name}-linux-x64`);
const hub = await startHubProcess(join(dir, "hub"), 0, ["--no-mqtt"], [rel("0.1.0", "dca-hub")]);
await hub.must("site", "create", "Bench");
console.log((await hub.must("release", "add", rel("0.2.0", "dca"))).trim());
const sha = (await Bun.file(`${rel("0.2.0", "dca")}.sig`).json()).manifest.body.match(/"sha256":"([0-9a-f]+)"/)[1];
const size = readFileSync(rel("0.2.0", "dca")).length;

const at = (log: string, re: RegExp) => {
  const line = log.split("\n").find((l) => re.test(l));
  if (!line) throw new Error(`no ${re} in:\n${log.slice(-2000)}`);
  return Date.parse(line.slice(0, 24));
};
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, 100 ticks a second
};

async function agentRun(i: number) {
  const home = join(dir, `agent-${i}`);
  mkdirSync(join(home, "bin"), { recursive: true });
  const exe = join(home, "bin", "dca");
  copyFileSync(rel("0.1.0", "dca"), exe);
  copyFileSync(`${rel("0.1.0", "dca")}.sig`, `${exe}.sig`);
  const state = join(home, "state");
  const code = JSON.parse(await hub.must("code", "create", "Bench", "--json")).code;
  const act = await runCommand([exe, "activate", "--hub", hub.url, "--code", code, "--ca", hub.caPath, "--state", state], agentEnv(state));
  if (act.exitCode !== 0) throw new Error(act.stderr);
  const a = startAgentProcess(state, [], {}, { command: [exe], shortBackoff: false });
  await a.waitForLog(/update: updated from 0\.1\.0 to 0\.2\.0/, 120_000);
  const cpu = cpuMs(a.proc.pid);
  await a.stop();
  const log = a.log();
  const t0 = at(log, /update: downloading dca 0\.2\.0/);
  const t1 = at(log, /update: dca 0\.2\.0 checked/);
  const t2 = at(log, /dca 0\.2\.0 running as agent/);
  const t3 = at(log, /update: updated from/);
  return { total: t3 - t0, download: t1 - t0, restart: t2 - t1, firstPoll: t3 - t2, cpu, state };
}

async function peerRun(state: string) {
  const id = loadIdentity(state)!;
  const out = join(dir, "curl.out");
  const started = performance.now();
  const curl = Bun.spawn(["curl", "-sS", "--http2", "--cacert", hub.caPath, "-H", `authorization: Bearer ${id.agentId}.${id.secret}`, "-o", out, `${hub.url}/releases/${sha}`]);
  await curl.exited;
  const hash = Bun.spawn(["sha256sum", out], { stdout: "pipe" });
  const said = await new Response(hash.stdout).text();
  await hash.exited;
  const wall = performance.now() - started;
  if (!said.startsWith(sha)) throw new Error(`curl got another file: ${said}`);
  const cpu = [curl, hash].reduce((n, p) => n + Number(p.resourceUsage()!.cpuTime.user + p.resourceUsage()!.cpuTime.system) / 1000, 0);
  rmSync(out);
  return { wall, cpu };
}

const rows: string[] = [];
let lastState = "";
for (let i = 0; i < runs; i++) {
  const peerFirst = i % 2 === 1 && lastState !== "";
  const p1 = peerFirst ? await peerRun(lastState) : undefined;
  const r = await agentRun(i);
  lastState = r.state;
  const p = p1 ?? (await peerRun(r.state));
  rows.push(
    `| ${i + 1} | ${r.total} | ${r.download} | ${r.restart} | ${r.firstPoll} | ${r.cpu} | ${Math.round(p.wall)} | ${Math.round(p.cpu)} | ${(r.download / p.wall).toFixed(2)} |`,
  );
  console.log(rows.at(-1));
}
console.log(`\n${size} bytes; columns: run, download-to-healthy ms, download+check ms, swap+restart ms, new version's first poll ms, agent CPU ms (whole process), curl+sha256sum wall ms, CPU ms, ratio download+check / curl+sha256sum`);
await hub.stop();
rmSync(dir, { recursive: true, force: true });
