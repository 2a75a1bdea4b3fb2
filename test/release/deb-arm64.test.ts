/**
 * The linux-arm64 packages, built here and run under emulation. Builds a signed linux-arm64
 * release of both executables with keys made here (build/release.ts cross-compiles), packages
 * it with build/deb.ts (gzip: fast; a release uses xz), checks the packages (dpkg-deb --info and
 * --contents, lintian), unpacks the agent's and runs its packaged executable under Debian's
 * qemu-user (`qemu-aarch64 -L /usr/aarch64-linux-gnu`: user-mode emulation of the program, the
 * host's kernel, the arm64 C library of libc6-arm64-cross): --version, the integrity check at
 * start passing on the packaged file and refusing a copy with one byte flipped, a scan of a
 * simulated printer on loopback, and an activation against a hub on loopback (TLS and HTTP/2).
 * Emulation, not arm64 hardware: what it does not show is in docs/install.md.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { INTEGRITY_EXIT } from "../../src/common/exit-codes.ts";
import { VERSION } from "../../src/common/version.ts";
import { type Fleet, startFleet } from "../sim/fleet.ts";
import { writeTestChain } from "../support/release-keys.ts";
import { type HubProcess, agentEnv, runCommand, startHubProcess } from "../support/service-peers.ts";
import { repoRoot } from "../support/shared-dir.ts";

const has = (cmd: string) => Bun.spawnSync(["sh", "-c", `command -v ${cmd}`]).exitCode === 0;
/** Where libc6-arm64-cross puts the arm64 C library and its dynamic loader. */
const ARM64_ROOT = "/usr/aarch64-linux-gnu";
const missing =
  process.platform !== "linux"
    ? "not Linux"
    : (["dpkg-deb", "lintian", "qemu-aarch64"].find((c) => !has(c)) ?? "").replace(/.+/, (c) => `${c} is not installed`) ||
      (existsSync(join(ARM64_ROOT, "lib/ld-linux-aarch64.so.1")) ? undefined : `the arm64 C library is not in ${ARM64_ROOT} (apt-get install libc6-arm64-cross)`);
if (missing) console.log(`deb-arm64.test.ts skipped: ${missing}`);

const tmp = mkdtempSync(join(tmpdir(), "dca-deb-arm64-"));
const debs = join(tmp, "debs");
const agentDeb = join(debs, `dca_${VERSION}_arm64.deb`);
const hubDeb = join(debs, `dca-hub_${VERSION}_arm64.deb`);
const unpacked = join(tmp, "unpacked");
const packaged = join(unpacked, "usr/lib/dca/dca");
const state = join(tmp, "state");
const snmpPort = 17600 + Math.floor(Math.random() * 400);
let fleet: Fleet;
let hub: HubProcess;

function spawnOk(argv: string[]): string {
  const r = Bun.spawnSync(argv, { cwd: repoRoot, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${argv.join(" ")} failed: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

/** Runs an arm64 executable under qemu-user with the arm64 C library. */
const arm64 = (exe: string, ...args: string[]) => runCommand(["qemu-aarch64", "-L", ARM64_ROOT, exe, ...args], agentEnv(state), 120_000);

beforeAll(async () => {
  if (missing) return;
  const f = writeTestChain(tmp).files;
  const rel = join(tmp, "release");
  spawnOk([process.execPath, "build/release.ts", "--root-pub", f.rootPub, "--signing-key", f.signingKey, "--cert", f.cert, "--revocations", f.revocations, "--targets", "linux-arm64", "--out", rel]);
  spawnOk([process.execPath, "build/deb.ts", "--from", join(rel, VERSION), "--out", debs, "--compress", "gzip"]);
  spawnOk(["dpkg-deb", "-x", agentDeb, unpacked]);
  fleet = await startFleet({ devices: [{ address: "127.62.0.1", port: snmpPort, recording: join(repoRoot, "test/fixtures/snmprec/mono-laser.snmprec") }] });
  hub = await startHubProcess(join(tmp, "hub"));
  await hub.must("site", "create", "Acme");
}, 300_000);

afterAll(async () => {
  await fleet?.stop();
  await hub?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!!missing)("the linux-arm64 packages", () => {
  test("are arm64 packages of the signed executable, its bundle and the unit; lintian finds nothing", () => {
    for (const [deb, name] of [[agentDeb, "dca"], [hubDeb, "dca-hub"]]) {
      expect(spawnOk(["dpkg-deb", "--field", deb, "Package", "Architecture"])).toBe(`Package: ${name}\nArchitecture: arm64\n`);
      const contents = spawnOk(["dpkg-deb", "--contents", deb]);
      for (const path of [`./usr/lib/${name}/${name}`, `./usr/lib/${name}/${name}.sig`, `./lib/systemd/system/${name}.service`, `./usr/bin/${name} -> ../lib/${name}/${name}`]) {
        expect(contents).toContain(path);
      }
    }
    // The packaged file is the arm64 build: an ELF for machine 183 (EM_AARCH64).
    expect(readFileSync(packaged).readUInt16LE(18)).toBe(183);
    const r = Bun.spawnSync(["lintian", "--pedantic", agentDeb, hubDeb], { stdout: "pipe", stderr: "pipe" });
    expect(r.stdout.toString()).toBe("");
    expect(r.exitCode).toBe(0);
  }, 300_000);

  test("the packaged agent runs under qemu-aarch64: --version, and status after its integrity check passes", async () => {
    expect(await arm64(packaged, "--version")).toEqual({ exitCode: 0, stdout: `dca ${VERSION}\n`, stderr: "" });
    const status = await arm64(packaged, "status", "--state", state);
    expect(status.stderr).toBe("");
    expect(status.stdout).toContain(`state folder: ${state}\n`);
    expect(status.exitCode).toBe(0);
  }, 120_000);

  test("a copy with one byte flipped in the middle refuses to run (exit 5); its --version still answers", async () => {
    const copy = join(tmp, "flipped");
    const bytes = readFileSync(packaged);
    bytes[bytes.length >> 1] ^= 0x01;
    writeFileSync(copy, bytes, { mode: 0o755 });
    copyFileSync(`${packaged}.sig`, `${copy}.sig`);
    const r = await arm64(copy, "status", "--state", state);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("dca: this executable fails its integrity check: its SHA-256 differs from the signed file's; reinstall it from a signed release\n");
    expect(r.exitCode).toBe(INTEGRITY_EXIT);
    expect((await arm64(copy, "--version")).exitCode).toBe(0);
  }, 120_000);

  test("scans a simulated printer on loopback", async () => {
    const r = await arm64(packaged, "scan", "127.62.0.0/30", "--port", String(snmpPort), "--timeout", "2s", "--json");
    // A batch command re-executes itself (src/agent/cli/batch-jit.ts); under qemu-user without binfmt
    // the host cannot exec an arm64 file, so it runs on as it is, and Bun says (natively, a tick later,
    // not suppressible from the program) that process.execve is experimental. On arm64 hardware the exec works.
    const stderr = r.stderr.replace(/^\(node:\d+\) ExperimentalWarning: process\.execve is [^\n]*\n\(Use `dca --trace-warnings[^\n]*\n/, "");
    expect(stderr).toMatch(/^scanned 2 addresses in [\d.]+ s: 1 answered SNMP, 1 printer read, 0 skipped \(not printers\), 0 failed\n$/);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]).address).toBe(`127.62.0.1:${snmpPort}`);
  }, 120_000);

  test("activates against a hub on loopback (TLS with the pinned CA, HTTP/2)", async () => {
    const code = JSON.parse(await hub.must("code", "create", "Acme", "--json")).code as string;
    const r = await arm64(packaged, "activate", "--hub", hub.url, "--code", code, "--ca", hub.caPath, "--state", state);
    expect(r.exitCode).toBe(0);
    const agents = JSON.parse(await hub.must("agent", "list", "--json")) as { platform?: string }[];
    expect(agents).toHaveLength(1);
    expect(JSON.stringify(agents[0])).toContain("arm64");
  }, 120_000);

  test("the packaged hub answers --version under qemu-aarch64", async () => {
    const hubDir = join(tmp, "hub-unpacked");
    spawnOk(["dpkg-deb", "-x", hubDeb, hubDir]);
    const r = await arm64(join(hubDir, "usr/lib/dca-hub/dca-hub"), "--version");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(VERSION);
  }, 120_000);
});
