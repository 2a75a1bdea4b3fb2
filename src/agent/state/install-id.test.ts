import { describe, expect, test } from "bun:test";
import { useTempState } from "./testdata/temp-state.ts";
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { installId, readLockState, recordFailedActivation } from "./index.ts";
import { installMaterial } from "./install-id.ts";
import { machineId, machineIdSources } from "./machine-id.ts";

let root: string;
let dir: string;
let machineFile: string;

useTempState("dca-install-", "c3a1f0e2d4b6489a9c7e5f3a1b2c4d6e", (s) => {
  ({ root, dir, machineFile } = s);
});

describe("install id", () => {
  test("32 hex characters, stable across calls and processes", () => {
    const id = installId(dir);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(installId(dir)).toBe(id);
    const r = Bun.spawnSync([process.execPath, "-e", `import { installId } from ${JSON.stringify(join(import.meta.dir, "index.ts"))}; console.log(installId(${JSON.stringify(dir)}))`], {
      env: { ...process.env },
    });
    expect(r.stdout.toString().trim()).toBe(id);
  });

  test("depends on the machine id and on the folder's real path, not on how it is reached", () => {
    const id = installId(dir);
    const link = join(root, "link");
    symlinkSync(dir, link);
    expect(installId(link)).toBe(id);
    expect(installId(join(root, "other"))).not.toBe(id);
    writeFileSync(machineFile, "00000000000000000000000000000001\n");
    expect(installId(dir)).not.toBe(id);
  });

  test("the sealing key follows the install id inputs", () => {
    const a = installMaterial(dir).sealKey;
    expect(a.length).toBe(32);
    expect(Buffer.from(installMaterial(dir).sealKey).equals(Buffer.from(a))).toBe(true);
    writeFileSync(machineFile, "00000000000000000000000000000002\n");
    expect(Buffer.from(installMaterial(dir).sealKey).equals(Buffer.from(a))).toBe(false);
  });

  test("the override replaces the system sources; 'uninitialized' is no id", () => {
    expect(machineIdSources().map((s) => s.name)).toEqual([machineFile]);
    expect(machineIdSources({}).map((s) => s.name)).toEqual(
      process.platform === "win32" ? ["HKLM\\SOFTWARE\\Microsoft\\Cryptography\\MachineGuid"] : ["/etc/machine-id", "/var/lib/dbus/machine-id"],
    );
    writeFileSync(machineFile, "uninitialized\n");
    expect(machineId(dir).source).toBe(join(dir, ".machine-id"));
  });

  test("without a machine id a random one is kept sealed in the folder", () => {
    process.env.DCA_MACHINE_ID_FILE = join(root, "does-not-exist");
    const id = installId(dir);
    const fallback = join(dir, ".machine-id");
    expect(existsSync(fallback)).toBe(true);
    // Sealed: the raw id is not in the file.
    expect(readFileSync(fallback, "utf8")).not.toMatch(/^[0-9a-f]{32}$/);
    expect(installId(dir)).toBe(id);
    const other = join(root, "state2");
    expect(installId(other)).not.toBe(id);
  });

  test("deleting the fallback id changes the key, so the old lock state reads as tampered", () => {
    process.env.DCA_MACHINE_ID_FILE = join(root, "does-not-exist");
    for (let i = 0; i < 2; i++) recordFailedActivation(dir, { hubUrl: "https://127.0.0.1:1", reason: "wrong code" });
    rmSync(join(dir, ".machine-id"));
    const s = readLockState(dir);
    expect(s.locked).toBe(true);
    expect(s.tampered).toContain("did not authenticate");
  });

  test("a fallback id moved into another folder does not open there", () => {
    process.env.DCA_MACHINE_ID_FILE = join(root, "does-not-exist");
    installId(dir);
    const other = join(root, "state2");
    mkdirSync(other);
    writeFileSync(join(other, ".machine-id"), readFileSync(join(dir, ".machine-id")));
    const before = readFileSync(join(other, ".machine-id"));
    installId(other);
    expect(readFileSync(join(other, ".machine-id")).equals(before)).toBe(false);
  });
});
