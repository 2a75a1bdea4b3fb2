/**
 * People and the audit log with real processes: the hub, its owner signed in
 * over TLS, a user made, given a role, signed in and then disabled; the audit
 * log exported, verified by the hub and offline, and a row edited in SQLite
 * failing the hub's verify by its seq.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tamper } from "../support/audit-fixtures.ts";
import { type HubProcess, hubCommand, runCommand, startHubProcess } from "../support/service-peers.ts";

let tmp: string;
let hub: HubProcess;
const ALICE_PASSWORD = "violet kettle under the stairs";

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "dca-people-"));
  hub = await startHubProcess(join(tmp, "hub"));
  await hub.must("site", "create", "Acme");
}, 60_000);

afterAll(async () => {
  await hub?.kill9();
  rmSync(tmp, { recursive: true, force: true });
});

describe("people at a running hub", () => {
  test("create a user, grant a role, they sign in; disabled, their session stops at once", async () => {
    const pwFile = join(tmp, "alice-password");
    writeFileSync(pwFile, `${ALICE_PASSWORD}\n`, { mode: 0o600 });
    expect(await hub.must("user", "create", "alice", "--email", "alice@example.com", "--password-file", pwFile)).toContain(`user "alice" created: usr_`);
    expect(await hub.must("role", "grant", "alice", "viewer", "--site", "Acme")).toContain("alice is now viewer on site Acme");

    const aliceEnv = { DCA_HUB_SESSION: join(tmp, "alice-session.json") };
    const alice = (...args: string[]) => runCommand([...hubCommand(), ...args], aliceEnv);
    const login = await alice("login", "--hub", hub.url, "--ca", hub.caPath, "--user", "alice", "--password-file", pwFile);
    expect(login.exitCode).toBe(0);
    expect((await alice("site", "list")).stdout).toContain("Acme");
    expect(await alice("user", "list")).toMatchObject({ exitCode: 1, stderr: expect.stringContaining("permission denied: alice may not see people and roles") });

    expect(await hub.must("user", "show", "alice")).toMatch(/Sessions\n {2}SESSION.*\n {2}ses_\w+\s+password\s+127\.0\.0\.1/);
    expect(await hub.must("user", "disable", "alice")).toBe(`user "alice" disabled: they cannot sign in; 1 session and 0 API tokens revoked\n`);
    expect(await alice("site", "list")).toMatchObject({ exitCode: 1, stderr: expect.stringContaining("sign in first") });
    expect((await hub.admin("user", "disable", "owner")).exitCode).toBe(1);
    const log = hub.log();
    expect(log).not.toContain(ALICE_PASSWORD);
  });

  test("audit: list, export, verify at the hub and offline; an edited row is named", async () => {
    expect(await hub.must("audit", "list", "--action", "SetUserDisabled")).toMatch(/owner\s+SetUserDisabled\s+user alice\s+-\s+ok\s+127\.0\.0\.1/);
    const exported = await hub.must("audit", "export");
    const file = join(tmp, "audit.jsonl");
    writeFileSync(file, exported);
    expect(exported).not.toContain(ALICE_PASSWORD);
    const lines = exported.trimEnd().split("\n");
    // Offline: no session, no hub needed.
    const offline = await runCommand([...hubCommand(), "audit", "verify", "--file", file], { DCA_HUB_SESSION: join(tmp, "none.json") });
    expect(offline).toMatchObject({ exitCode: 0, stdout: expect.stringContaining(`verified: ${lines.length} records (seq 1 to ${lines.length})`) });
    expect(await hub.must("audit", "verify")).toMatch(/^audit log verified: \d+ records \(seq 1 to \d+\), last hash [0-9a-f]{64}\n$/);

    tamper(hub.dataDir, (db) => db.run("UPDATE audit_log SET target = 'user mallory' WHERE seq = 2"));
    const r = await hub.admin("audit", "verify");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toStartWith("dca-hub audit verify: the audit log fails at record 2: record 2 does not match its hash");
  });
});
