/**
 * The Windows agent's MSI (build/msi.ts, build/packaging/dca.wxs) built from a signed
 * windows-x64 release made here with test keys (once for the file), its tables read back
 * with msiinfo, its payload with msiextract; then, where wine is installed, the Windows
 * build run under wine: --version and --help, a scan of a simulated printer on loopback,
 * and the MSI installed by wine's msiexec with HUB_URL / ACTIVATION_CODE / CA_FINGERPRINT
 * against a real hub on loopback: the service starts, answers the SCM, activates, runs,
 * stops on "net stop", and uninstall removes it (keeping the state unless REMOVE_STATE=1).
 * What wine does not show (ACLs, SCM recovery actions): docs/install-windows-macos.md.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VERSION } from "../../src/common/version.ts";
import { type Fleet, startFleet } from "../sim/fleet.ts";
import { writeTestChain } from "../support/release-keys.ts";
import { type HubProcess, eventually, startHubProcess } from "../support/service-peers.ts";
import { announceSkip, repoRoot } from "../support/shared-dir.ts";
import { type WinePrefix, createWinePrefix, windowsPath, wineMissing } from "../support/wine-prefix.ts";

const msiToolsMissing = ["wixl", "msibuild", "msiinfo", "msiextract"].filter((t) => !Bun.which(t));
const msiSkip = msiToolsMissing.length ? `${msiToolsMissing.join(", ")} not installed (Debian: apt-get install wixl msitools)` : undefined;
const wineSkip = msiSkip ?? wineMissing();
if (msiSkip) announceSkip("MSI", msiSkip);
else if (wineSkip) announceSkip("MSI under wine", wineSkip);

const dir = mkdtempSync(join(tmpdir(), "dca-msi-"));
const release = join(dir, "release", VERSION);
const exe = join(release, "dca-windows-x64.exe");
const msi = join(release, `dca-${VERSION}-x64.msi`);

beforeAll(() => {
  if (msiSkip) return;
  const f = writeTestChain(dir).files;
  const build = Bun.spawnSync(
    [process.execPath, "build/release.ts", "--root-pub", f.rootPub, "--signing-key", f.signingKey, "--cert", f.cert,
      "--revocations", f.revocations, "--targets", "windows-x64", "--out", join(dir, "release")],
    { cwd: repoRoot, stdout: "pipe", stderr: "pipe" },
  );
  if (build.exitCode !== 0) throw new Error(`release build failed: ${build.stderr.toString()}`);
  const pack = Bun.spawnSync([process.execPath, "build/msi.ts", "--exe", exe], { cwd: repoRoot, stdout: "pipe", stderr: "pipe" });
  if (pack.exitCode !== 0) throw new Error(`build/msi.ts failed: ${pack.stderr.toString()}`);
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The rows of one MSI table, as objects keyed by column name (msiinfo export's first line). */
function table(name: string): Record<string, string>[] {
  const p = Bun.spawnSync(["msiinfo", "export", msi, name], { stdout: "pipe", stderr: "pipe" });
  if (p.exitCode !== 0) throw new Error(`msiinfo export ${name}: ${p.stderr.toString()}`);
  const [header, , , ...rows] = p.stdout.toString().replace(/\r/g, "").split("\n").filter((l) => l !== "");
  const columns = header.split("\t");
  return rows.map((r) => Object.fromEntries(r.split("\t").map((v, i) => [columns[i], v])));
}
const row = (name: string, key: string, value: string) => table(name).find((r) => r[key] === value);

describe.skipIf(msiSkip !== undefined)("the MSI's tables", () => {
  test("dca.exe and its signature bundle, in Program Files\\dca, one 64-bit component", () => {
    const files = table("File");
    expect(files.map((f) => f.FileName).sort()).toEqual(["dca.exe", "dca.exe.sig"]);
    expect(Number(row("File", "File", "dca.exe")!.FileSize)).toBe(statSync(exe).size);
    expect(Number(row("File", "File", "dca.exe.sig")!.FileSize)).toBe(statSync(`${exe}.sig`).size);
    expect(files.every((f) => f.Component_ === "Agent")).toBe(true);
    const component = row("Component", "Component", "Agent")!;
    expect(component.Directory_).toBe("INSTALLDIR");
    expect(component.KeyPath).toBe("dca.exe");
    expect(Number(component.Attributes) & 256).toBe(256); // msidbComponentAttributes64bit
    expect(row("Directory", "Directory", "INSTALLDIR")).toMatchObject({ Directory_Parent: "ProgramFiles64Folder", DefaultDir: "dca" });
    expect(row("Directory", "Directory", "ProgramFiles64Folder")!.Directory_Parent).toBe("TARGETDIR");
  });

  test("the service: dca, own process, automatic start, LocalSystem, on the ProgramData state folder; stopped and removed on uninstall", () => {
    expect(table("ServiceInstall")).toHaveLength(1);
    expect(row("ServiceInstall", "Name", "dca")).toMatchObject({
      ServiceType: "16", // SERVICE_WIN32_OWN_PROCESS
      StartType: "2", // SERVICE_AUTO_START
      ErrorControl: "1",
      StartName: "LocalSystem",
      Arguments: 'service --state "[CommonAppDataFolder]dca"',
      Component_: "Agent",
    });
    const control = row("ServiceControl", "Name", "dca")!;
    // msidbServiceControlEvent: Start (1) and Stop (2) on install, Stop (32) and Delete (128) on uninstall.
    expect(Number(control.Event)).toBe(1 | 2 | 32 | 128);
    expect(control.Wait).toBe("1");
  });

  test("HUB_URL, ACTIVATION_CODE, CA_FINGERPRINT, PROXY reach the setup action, which runs as SYSTEM with its command line hidden, between InstallServices and StartServices", () => {
    const setup = row("CustomAction", "Action", "SetupState")!;
    const type = Number(setup.Type);
    expect(type & 0x3f).toBe(18); // an exe from an installed file
    expect(setup.Source).toBe("dca.exe");
    for (const bit of [0x400, 0x800, 0x2000]) expect(type & bit).toBe(bit); // deferred, no impersonation, HideTarget
    for (const p of ["HUB_URL", "ACTIVATION_CODE", "CA_FINGERPRINT", "PROXY"]) expect(setup.Target).toContain(`"[${p}]"`);
    expect(setup.Target).toStartWith('service setup --state="[CommonAppDataFolder]dca"');
    const purge = row("CustomAction", "Action", "PurgeState")!;
    expect(purge.Target).toBe('service purge --state="[CommonAppDataFolder]dca"');

    const seq = (a: string) => Number(row("InstallExecuteSequence", "Action", a)!.Sequence);
    expect(seq("SetupState")).toBeGreaterThan(seq("InstallServices"));
    expect(seq("SetupState")).toBeLessThan(seq("StartServices"));
    expect(row("InstallExecuteSequence", "Action", "SetupState")!.Condition).toBe("NOT REMOVE");
    expect(seq("PurgeState")).toBeGreaterThan(seq("StopServices"));
    expect(seq("PurgeState")).toBeLessThan(seq("RemoveFiles"));
    expect(row("InstallExecuteSequence", "Action", "PurgeState")!.Condition).toContain('REMOVE_STATE="1"');

    const props = Object.fromEntries(table("Property").map((r) => [r.Property, r.Value]));
    const secure = props.SecureCustomProperties.split(";");
    for (const p of ["HUB_URL", "ACTIVATION_CODE", "CA_FINGERPRINT", "PROXY", "REMOVE_STATE"]) expect(secure).toContain(p);
    expect(props.MsiHiddenProperties.split(";").sort()).toEqual(["ACTIVATION_CODE", "PROXY"]);
    expect(props.ProductVersion).toBe(VERSION);
    expect(props.UpgradeCode).toBe("{6F1D8D43-6C0B-4D7E-9E0A-3B1C2A7D5E11}");
    expect(props.ALLUSERS).toBe("1");
  });

  test("its payload is the signed release build and its bundle, byte for byte", () => {
    const out = join(dir, "extract");
    const p = Bun.spawnSync(["msiextract", "-C", out, msi], { stdout: "pipe", stderr: "pipe" });
    expect(p.exitCode).toBe(0);
    // msiextract names folders by their DefaultDir: ProgramFiles64Folder's is ".".
    const installed = join(out, "dca");
    const sha = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");
    expect(sha(join(installed, "dca.exe"))).toBe(sha(exe));
    expect(sha(join(installed, "dca.exe.sig"))).toBe(sha(`${exe}.sig`));
  });

  test("build/msi.ts refuses an executable without its signature bundle, in one line", () => {
    const bare = join(dir, "bare.exe");
    Bun.write(bare, "MZ");
    const p = Bun.spawnSync([process.execPath, "build/msi.ts", "--exe", bare], { cwd: repoRoot, stdout: "pipe", stderr: "pipe" });
    expect(p.exitCode).toBe(2);
    expect(p.stderr.toString()).toBe(`msi: ${bare}.sig is missing: the MSI ships a signed release build only ("npm run release")\n`);
  });
});

describe.skipIf(wineSkip !== undefined)("under wine", () => {
  let wine: WinePrefix;
  let hub: HubProcess;
  let fleet: Fleet;
  const port = 17600 + Math.floor(Math.random() * 400);
  const state = () => join(wine.driveC, "ProgramData", "dca");
  const serviceState = async () => /STATE\s+:\s+(\d+)/.exec((await wine.run(["sc", "query", "dca"])).stdout)?.[1];

  beforeAll(async () => {
    wine = await createWinePrefix(join(dir, "wine"));
    hub = await startHubProcess(join(dir, "hub"), 0, ["--no-mqtt"]);
    await hub.must("site", "create", "Acme");
    fleet = await startFleet({ devices: [{ address: "127.62.0.1", port, recording: join(repoRoot, "test/fixtures/snmprec/mono-laser.snmprec") }] });
  }, 300_000);

  afterAll(async () => {
    await fleet?.stop();
    await hub?.stop();
    await wine?.close();
  });

  test("the release build answers --version (no development note) and --help", async () => {
    const version = await wine.run([windowsPath(exe), "--version"]);
    expect(version).toMatchObject({ code: 0, stdout: `dca ${VERSION}\n` });
    const help = await wine.run([windowsPath(exe), "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: dca <command>");
  }, 60_000);

  test("scans a simulated printer on loopback", async () => {
    const scan = await wine.run([windowsPath(exe), "scan", "127.62.0.1", "--port", String(port), "--json"]);
    expect(scan.code).toBe(0);
    const readings = scan.stdout.trim().split(/\r?\n/).map((l) => JSON.parse(l));
    expect(readings).toHaveLength(1);
    expect(JSON.stringify(readings[0])).toContain("127.62.0.1");
  }, 120_000);

  test("msiexec /i /qn with HUB_URL, ACTIVATION_CODE, CA_FINGERPRINT: the service starts, activates with the hub, runs, stops on net stop", async () => {
    const code = JSON.parse(await hub.must("code", "create", "Acme", "--json")).code as string;
    const install = await wine.run(["msiexec", "/i", windowsPath(msi), "/qn", `HUB_URL=${hub.url}`, `ACTIVATION_CODE=${code}`, `CA_FINGERPRINT=${hub.caFingerprint}`]);
    expect(install.code).toBe(0);
    expect(existsSync(join(wine.driveC, "Program Files", "dca", "dca.exe.sig"))).toBe(true);
    const log = () => (existsSync(join(state(), "dca.log")) ? readFileSync(join(state(), "dca.log"), "utf8") : "");
    await eventually(() => /running as agent/.test(log()) || undefined, 60_000, `the service's "running as agent" line; log:\n${log()}`);
    expect(await serviceState()).toBe("4"); // SERVICE_RUNNING
    expect(existsSync(join(state(), "install-settings.json"))).toBe(false);
    expect(log()).not.toContain(code);
    expect(await hub.must("agent", "list")).toContain("Acme");
    // The installed executable passes its integrity check with its bundle beside it.
    const status = await wine.run(["C:\\Program Files\\dca\\dca.exe", "status", "--state", "C:\\ProgramData\\dca"]);
    expect(status.stdout).toContain("Acme");

    const stop = await wine.run(["net", "stop", "dca"]);
    expect(stop.stdout).toContain("stopped successfully");
    expect(await serviceState()).toBe("1"); // SERVICE_STOPPED
    expect((await wine.run(["sc", "query", "dca"])).stdout).toMatch(/WIN32_EXIT_CODE\s+:\s+0\b/);
    expect(log()).toMatch(/service: stop requested[\s\S]*stopped/);
  }, 180_000);

  test("uninstall removes the service and the program, keeps the state; REMOVE_STATE=1 removes it too", async () => {
    expect((await wine.run(["msiexec", "/x", windowsPath(msi), "/qn"])).code).toBe(0);
    expect(await serviceState()).toBeUndefined();
    expect(existsSync(join(wine.driveC, "Program Files", "dca", "dca.exe"))).toBe(false);
    expect(existsSync(join(state(), "agent.db"))).toBe(true);

    expect((await wine.run(["msiexec", "/i", windowsPath(msi), "/qn"])).code).toBe(0);
    expect((await wine.run(["msiexec", "/x", windowsPath(msi), "/qn", "REMOVE_STATE=1"])).code).toBe(0);
    // The install just started the service; removing a service still starting is only marked for
    // deletion until its process ends (slow under load), so wait for it to go.
    await eventually(async () => (await serviceState()) === undefined, 30_000, "the service removed");
    expect(existsSync(state())).toBe(false);
  }, 180_000);
});
