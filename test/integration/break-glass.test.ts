/**
 * The break-glass path with real processes: the only owner locks themself
 * out (5 wrong passwords), the hub is stopped, `dca-hub admin-local owner
 * reset` gives the account back with a new password, and the hub, started
 * again, lets them in; the audit log says who did it from the hub machine.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { type HubProcess, TEST_OWNER, hubCommand, ownerPasswordFile, runCommand, startHubProcess } from "../support/service-peers.ts";
import { tempDir } from "../support/temp-dir.ts";

let hub: HubProcess | undefined;
afterAll(async () => {
  await hub?.kill9();
});

describe("break glass", () => {
  test("a locked-out owner is reset with the hub stopped, then signs in with the new password", async () => {
    const dataDir = join(tempDir("dca-break-glass-"), "hub");
    hub = await startHubProcess(dataDir);
    const wrong = join(dataDir, "..", "wrong");
    writeFileSync(wrong, "surely not the password\n");
    const login = (pw: string) =>
      runCommand([...hubCommand(), "login", "--hub", hub!.url, "--ca", hub!.caPath, "--user", TEST_OWNER, "--password-file", pw], { DCA_HUB_SESSION: join(dataDir, "..", "s.json") });
    for (let i = 0; i < 5; i++) await login(wrong);
    const locked = await login(ownerPasswordFile(dataDir));
    expect(locked.exitCode).toBe(1);
    expect(locked.stderr).toContain("the account is locked");
    await hub.stop();

    writeFileSync(ownerPasswordFile(dataDir), "a brand new copper kettle\n", { mode: 0o600 });
    const reset = await runCommand([...hubCommand(), "admin-local", "--data", dataDir, "owner", "reset", TEST_OWNER, "--password-file", ownerPasswordFile(dataDir)]);
    expect(reset.exitCode, reset.stderr).toBe(0);
    expect(reset.stdout).toContain(`owner "${TEST_OWNER}" reset: enabled, unlocked, new password, TOTP off`);

    // startHubProcess signs in as the owner with the (new) password file.
    hub = await startHubProcess(dataDir);
    const audit = await hub.must("audit", "list", "--action", "AdminLocalResetOwner");
    expect(audit).toContain(`admin-local:${userInfo().username}`);
    expect(audit).toContain(`user ${TEST_OWNER}`);
    expect(await hub.must("audit", "verify")).toStartWith("audit log verified");
  });

  test("admin-local owner create refuses a common password, naming the rule", async () => {
    const dataDir = join(tempDir("dca-break-glass-"), "hub");
    const pw = join(dataDir, "..", "pw");
    writeFileSync(pw, "password1234\n");
    const r = await runCommand([...hubCommand(), "admin-local", "--data", dataDir, "owner", "create", "boss", "--password-file", pw]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toStartWith("dca-hub admin-local owner create: password refused: it is on the list of commonly used passwords");
  });
});
