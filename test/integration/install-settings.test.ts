/**
 * The way the MSI's properties reach the agent, run here on Linux with the same code:
 * `dca service setup` (the MSI's custom action) leaves them in the state folder, readable by
 * its owner only, and the service's first start (activateFromInstallSettings) activates with
 * them against a real hub on loopback and deletes them; an unreachable hub keeps them for the
 * next try, a refused code does not. The Windows side (ACLs, the SCM) runs under wine in
 * test/release/msi.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { activateCommand } from "../../src/agent/cli/activate-command.ts";
import { loadIdentity } from "../../src/agent/state/index.ts";
import { activateFromInstallSettings } from "../../src/agent/winservice/first-activation.ts";
import { INSTALL_SETTINGS_FILE } from "../../src/agent/winservice/install-settings.ts";
import { type HubProcess, agentCommand, runCommand, startHubProcess } from "../support/service-peers.ts";

const dir = mkdtempSync(join(tmpdir(), "dca-install-settings-"));
let hub: HubProcess;
let n = 0;
const newState = () => join(dir, `state-${++n}`);
const setup = (state: string, ...args: string[]) =>
  runCommand([...agentCommand(), "service", "setup", `--state=${state}`, ...args], { DCA_SEAL_DIR: `${state}.seal` });
const settingsFile = (state: string) => join(state, INSTALL_SETTINGS_FILE);

beforeAll(async () => {
  hub = await startHubProcess(join(dir, "hub"), 0, ["--no-mqtt"]);
  await hub.must("site", "create", "Acme");
  process.env.DCA_SEAL_DIR = join(dir, "seal");
}, 60_000);
afterAll(async () => {
  await hub?.stop();
  delete process.env.DCA_SEAL_DIR;
  rmSync(dir, { recursive: true, force: true });
});

async function firstStart(state: string, stop = new AbortController().signal) {
  const lines: string[] = [];
  const exit = await activateFromInstallSettings(state, activateCommand, (l) => lines.push(l), stop);
  return { exit, lines };
}

describe("the installer's settings", () => {
  test("setup keeps them in the state folder for its owner only; the first start activates with them and deletes them", async () => {
    const state = newState();
    const code = JSON.parse(await hub.must("code", "create", "Acme", "--json")).code as string;
    const r = await setup(state, `--hub=${hub.url}`, `--code=${code}`, `--ca-fingerprint=${hub.caFingerprint}`, "--proxy=");
    expect(r).toMatchObject({ exitCode: 0, stderr: "" });
    expect(r.stdout).toContain(`activation with ${hub.url} at the service's first start`);
    expect(r.stdout).not.toContain(code);
    expect(statSync(state).mode & 0o777).toBe(0o700);
    expect(statSync(settingsFile(state)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(settingsFile(state), "utf8"))).toEqual({ hubUrl: hub.url, code, caFingerprint: hub.caFingerprint });

    expect((await firstStart(state)).exit).toBe(0);
    expect(existsSync(settingsFile(state))).toBe(false);
    expect(loadIdentity(state)).toMatchObject({ hubUrl: hub.url, siteName: "Acme", caFingerprint: hub.caFingerprint });
    // A second start finds nothing to do.
    expect(await firstStart(state)).toEqual({ exit: 0, lines: [] });
  }, 30_000);

  test("empty properties (msiexec without them): only the folder, nothing to activate with", async () => {
    const state = newState();
    expect(await setup(state, "--hub=", "--code=", "--ca-fingerprint=", "--proxy=")).toMatchObject({ exitCode: 0, stderr: "" });
    expect(existsSync(state)).toBe(true);
    expect(existsSync(settingsFile(state))).toBe(false);
  });

  test("a hub URL without a code, or no https URL, fails the install with one line (exit 2)", async () => {
    const only = await setup(newState(), `--hub=${hub.url}`, "--code=");
    expect(only.exitCode).toBe(2);
    expect(only.stderr.split("\n")[0]).toBe('dca service: give both HUB_URL and ACTIVATION_CODE (or neither, and run "dca activate" later)');
    const http = await setup(newState(), "--hub=http://127.0.0.1:1", "--code=ABCD-EFGH");
    expect(http.exitCode).toBe(2);
    expect(http.stderr).toContain("HUB_URL must be an https:// URL");
  });

  test("an unreachable hub: the settings stay and the start tries again until stopped", async () => {
    const state = newState();
    expect((await setup(state, "--hub=https://127.0.0.1:1", "--code=ABCD-EFGH")).exitCode).toBe(0);
    const stop = new AbortController();
    const started = firstStart(state, stop.signal);
    await Bun.sleep(1_000);
    stop.abort();
    const { exit, lines } = await started;
    expect(exit).toBe(0);
    expect(lines.some((l) => l.startsWith("dca service: activation with the installer's settings failed: cannot reach the hub"))).toBe(true);
    expect(lines).toContain("dca service: trying again in 15 s");
    expect(existsSync(settingsFile(state))).toBe(true);
    expect(loadIdentity(state)).toBeUndefined();
  }, 30_000);

  test("a code the hub refuses: the settings are deleted (it will not become right) and the start ends with 1", async () => {
    const state = newState();
    expect((await setup(state, `--hub=${hub.url}`, "--code=WRNG-CODE", `--ca-fingerprint=${hub.caFingerprint}`)).exitCode).toBe(0);
    const { exit } = await firstStart(state);
    expect(exit).toBe(1);
    expect(existsSync(settingsFile(state))).toBe(false);
    expect(loadIdentity(state)).toBeUndefined();
  }, 30_000);

  test("an agent already activated ignores them, and says so", async () => {
    const state = newState();
    const code = JSON.parse(await hub.must("code", "create", "Acme", "--json")).code as string;
    expect((await setup(state, `--hub=${hub.url}`, `--code=${code}`, `--ca-fingerprint=${hub.caFingerprint}`)).exitCode).toBe(0);
    expect((await firstStart(state)).exit).toBe(0);
    expect((await setup(state, "--hub=https://127.0.0.1:1", "--code=ABCD-EFGH")).exitCode).toBe(0);
    const { exit, lines } = await firstStart(state);
    expect(exit).toBe(0);
    expect(lines[0]).toStartWith("dca service: already activated; the installer's HUB_URL and ACTIVATION_CODE are ignored");
    expect(existsSync(settingsFile(state))).toBe(false);
    expect(loadIdentity(state)?.hubUrl).toBe(hub.url);
  }, 30_000);

  test("purge removes the state folder; \"dca service\" itself refuses to run outside Windows, in one line", async () => {
    const state = newState();
    expect((await setup(state)).exitCode).toBe(0);
    const purge = await runCommand([...agentCommand(), "service", "purge", `--state=${state}`]);
    expect(purge.exitCode).toBe(0);
    expect(existsSync(state)).toBe(false);
    const service = await runCommand([...agentCommand(), "service"]);
    expect(service.exitCode).toBe(2);
    expect(service.stderr.split("\n")[0]).toBe('dca service: runs only when the Windows service control manager starts it; here run "dca run" under systemd or launchd (docs/install-windows-macos.md)');
  });
});
