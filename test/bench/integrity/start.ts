/**
 * What the integrity check at start costs. Builds a signed release of the agent for
 * this machine with throw-away keys (build/release.ts), then measures in one run:
 *   1. hashing the release executable (SHA-256, the way verify-self.ts reads it), in-process;
 *   2. the whole check (verifySelf: bundle, chain, hash), in-process;
 *   3. `dca --version` and `dca status` of the release build (checks itself) against the
 *      development build `npm run build` ships in build/out/dca (the same sources, no check),
 *      as processes, alternating which goes first. --version never checks: it is the floor.
 *
 *   npm run build && bun test/bench/integrity/start.ts [--runs 15]
 *
 * Wall times move with the other work on the machine; CPU (user + sys) less so.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashFile } from "../../../src/common/hash-file.ts";
import { verifySelf } from "../../../src/agent/integrity/verify-self.ts";
import { VERSION } from "../../../src/common/version.ts";
import { writeTestChain } from "../../support/release-keys.ts";

const root = join(import.meta.dir, "../../..");
const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 15;
const target = `${process.platform}-${process.arch}`;
const dev = join(root, "build/out/dca");
const dir = mkdtempSync(join(tmpdir(), "dca-integrity-bench-"));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (xs: number[]) => `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})`;

try {
  const chain = writeTestChain(dir);
  const f = chain.files;
  const build = Bun.spawnSync(
    [process.execPath, "build/release.ts", "--root-pub", f.rootPub, "--signing-key", f.signingKey, "--cert", f.cert,
      "--revocations", f.revocations, "--targets", target, "--out", join(dir, "release")],
    { cwd: root, stdout: "ignore", stderr: "inherit" },
  );
  if (build.exitCode !== 0) throw new Error("release build failed");
  const release = join(dir, "release", VERSION, `dca-${target}`);
  const size = Bun.file(release).size;

  const inProcess = (fn: () => void) => {
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < runs; i++) {
      const c = process.cpuUsage();
      const t = performance.now();
      fn();
      wall.push(performance.now() - t);
      const u = process.cpuUsage(c);
      cpu.push((u.user + u.system) / 1000);
    }
    return { wall, cpu };
  };
  const hashing = inProcess(() => hashFile(release));
  const checking = inProcess(() => {
    const r = verifySelf({ executable: release, rootPublicKey: chain.rootPub });
    if (!r.ok) throw new Error(r.reason);
  });

  const spawned = async (exe: string, args: string[]) => {
    const t = performance.now();
    const proc = Bun.spawn([exe, ...args], { stdout: "ignore", stderr: "ignore" });
    const code = await proc.exited;
    const wall = performance.now() - t;
    if (code !== 0) throw new Error(`${exe} ${args.join(" ")} exited ${code}`);
    const u = proc.resourceUsage()!.cpuTime;
    return { wall, cpu: Number(u.user + u.system) / 1000 };
  };
  const state = join(dir, "state");
  const rows: Record<string, { wall: number[]; cpu: number[] }> = {};
  const cases = [
    ["release", release, ["--version"]],
    ["development", dev, ["--version"]],
    ["release", release, ["status", "--state", state]],
    ["development", dev, ["status", "--state", state]],
  ] as const;
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? cases : [cases[1], cases[0], cases[3], cases[2]];
    for (const [kind, exe, args] of order) {
      const key = `\`dca ${args[0]}\`, ${kind} build`;
      const r = await spawned(exe, [...args]);
      rows[key] ??= { wall: [], cpu: [] };
      rows[key].wall.push(r.wall);
      rows[key].cpu.push(r.cpu);
    }
  }

  console.log(`integrity check at start, ${runs} runs each, ${(size / 1e6).toFixed(1)} MB executable, page cache warm`);
  console.log("| what | wall ms, median (min-max) | CPU ms (user+sys), median (min-max) |\n| --- | --- | --- |");
  console.log(`| SHA-256 of the executable, in-process | ${fmt(hashing.wall)} | ${fmt(hashing.cpu)} |`);
  console.log(`| the whole check (verifySelf), in-process | ${fmt(checking.wall)} | ${fmt(checking.cpu)} |`);
  for (const [key, r] of Object.entries(rows)) console.log(`| ${key} | ${fmt(r.wall)} | ${fmt(r.cpu)} |`);
  const cost = (m: "wall" | "cpu") =>
    median(rows["`dca status`, release build"]![m]) - median(rows["`dca status`, development build"]![m]);
  console.log(`\n\`dca status\`: release minus development build (the check's cost): ${cost("wall").toFixed(0)} ms wall, ${cost("cpu").toFixed(0)} ms CPU`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
