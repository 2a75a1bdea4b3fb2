/**
 * `dca run` on a state folder that stops taking writes (issue 11 item 8): a full disk and a
 * read-only file system, made by the test with a small tmpfs (we run as root). The agent must
 * not rediscover in a loop: a failed job waits before it is tried again, the log says once,
 * plainly, what is wrong with the folder, no stack trace, and the process keeps running; once
 * the disk has room again, work resumes. A folder that is read-only at start is one line and
 * exit 1. (A running agent's folder cannot be remounted read-only: its files are open.)
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Fleet, startFleet } from "../sim/fleet.ts";
import { type AgentProcess, type HubProcess, activateAgent, eventually, freeUdpPort, startAgentProcess, startHubProcess } from "../support/service-peers.ts";
import { repoRoot } from "../support/shared-dir.ts";

const fixtures = join(repoRoot, "test/fixtures/snmprec");
/** Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN): tried once, undone at once. */
const canMount = (() => {
  if (process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), "dca-mount-probe-"));
  const ok = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe], { stderr: "ignore" }).exitCode === 0;
  if (ok) Bun.spawnSync(["umount", probe]);
  rmSync(probe, { recursive: true, force: true });
  return ok;
})();
let tmp: string;
let mnt: string;
let hub: HubProcess;
let fleet: Fleet;
let agent: AgentProcess | undefined;
let simPort: number;
const stateDir = () => join(mnt, "agent");

function sh(...cmd: string[]): void {
  const r = Bun.spawnSync(cmd, { stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${cmd.join(" ")}: ${r.stderr.toString()}`);
}

/** CPU seconds (user + system) the process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const discoveries = (log: string) => (log.match(/discovery of /g) ?? []).length;

beforeAll(async () => {
  if (!canMount) return;
  tmp = mkdtempSync(join(tmpdir(), "dca-disk-"));
  mnt = join(tmp, "fs");
  mkdirSync(mnt);
  sh("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mnt);
  simPort = await freeUdpPort();
  fleet = await startFleet({
    devices: Array.from({ length: 6 }, (_, i) => ({
      address: `127.26.0.${i + 1}`,
      port: simPort,
      recording: join(fixtures, i % 2 ? "color-mfp.snmprec" : "mono-laser.snmprec"),
    })),
  });
  hub = await startHubProcess(join(tmp, "hub"));
  await hub.must("site", "create", "Acme");
  await hub.must("site", "set-targets", "Acme", "127.26.0.1-6");
  await hub.must("site", "set-snmp", "Acme", "--port", String(simPort), "--timeout", "300ms", "--retries", "0");
  // Discovery every 2 s: due again soon after the disk fills, without a config change to store.
  await hub.must("site", "set-schedule", "Acme", "--poll", "1s", "--discovery", "2s");
}, 60_000);

afterAll(async () => {
  if (!canMount) return;
  await agent?.kill9();
  await hub?.kill9();
  await fleet?.stop();
  Bun.spawnSync(["umount", "-l", mnt]);
  rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!canMount)("a state folder that stops taking writes", () => {
  test("a full disk: one failed discovery, one plain line, no loop; space back and a new config: it resumes", async () => {
    const code = JSON.parse(await hub.must("code", "create", "Acme", "--json")).code as string;
    expect((await activateAgent(hub, stateDir(), code)).exitCode).toBe(0);
    agent = startAgentProcess(stateDir());
    await agent.waitForLog(/discovery done: .* 6 printers read/, 30_000);
    await eventually(async () => (JSON.parse(await hub.must("device", "list", "--json")) as unknown[]).length === 2 || undefined, 20_000, "both printer models at the hub");

    // Fill the disk; the next discovery is due within 2 s.
    const filler = join(mnt, "filler");
    const before = agent.log();
    const cpuBefore = cpuSeconds(agent.proc.pid);
    Bun.spawnSync(["dd", "if=/dev/zero", `of=${filler}`, "bs=64k"], { stderr: "ignore" });
    await Bun.sleep(8_000);
    const during = agent.log().slice(before.length);

    expect(agent.proc.exitCode).toBeNull();
    expect(discoveries(during)).toBeLessThanOrEqual(2);
    expect(cpuSeconds(agent.proc.pid) - cpuBefore).toBeLessThan(1.5);
    expect(during).not.toMatch(/\n\s+at /);
    // One line for the cause, with what to do.
    expect(during.match(/discovery failed: .*/g)).toEqual([expect.stringMatching(/discovery failed: cannot store a reading in outbox .*outbox\.db: the disk is full; free some space on it; it runs again in \d+s or with the next config$/)]);

    // Space back; a config change tries at once.
    rmSync(filler);
    await hub.must("site", "set-schedule", "Acme", "--poll", "1s", "--read", "1h");
    await agent.waitForLog(/discovery done: .* 6 printers read/, 30_000);
  }, 90_000);

  test("a read-only file system at start: one line naming the folder, a documented exit code, no stack trace", async () => {
    const code = await agent!.stop();
    expect(code).toBe(0);
    agent = undefined;
    sh("mount", "-o", "remount,ro", mnt);
    try {
      const run = startAgentProcess(stateDir());
      const exit = await Promise.race([run.proc.exited, Bun.sleep(15_000).then(() => "still running")]);
      const log = run.log();
      if (exit === "still running") await run.kill9();
      expect(exit).toBe(1);
      expect(log.trim().split("\n")).toEqual([expect.stringMatching(/^dca run: EROFS: read-only file system, .*fs\/agent'; the file system is read-only; choose a writable place$/)]);
    } finally {
      sh("mount", "-o", "remount,rw", mnt);
    }
  }, 60_000);
});
