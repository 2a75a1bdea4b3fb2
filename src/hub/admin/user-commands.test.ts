import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { adminHarness } from "../../../test/support/admin-harness.ts";
import { adminRun } from "../../../test/support/admin-run.ts";
import { tempDir } from "../../../test/support/temp-dir.ts";
import { verifyPassword } from "../accounts/index.ts";
import { ADMIN_COMMANDS, ADMIN_HELP } from "./index.ts";
import { NEW_PASSWORD_ENV } from "./secret-input.ts";

const PW = ["correct horse battery staple", "another long passphrase here", "typed twice at the prompt ok", "a fresh passphrase for her"];

function setup() {
  const h = adminHarness();
  const { run, runWith, everything } = adminRun(h);
  const dir = tempDir("dca-people-");
  const pwFile = (i: number) => {
    const f = join(dir, `pw${i}`);
    writeFileSync(f, `${PW[i]}\n`);
    return f;
  };
  const passwordOf = (username: string) => h.store.userSecrets(h.store.getUserByUsername(username)!.id)!.passwordHash;
  const noSecrets = () => {
    const all = [...everything, JSON.stringify(h.store.listAudit({ limit: 10_000 }))].join("\n");
    for (const p of PW) expect(all).not.toContain(p);
  };
  return { h, run, runWith, pwFile, passwordOf, noSecrets };
}

describe("user commands", () => {
  test("create from a file, the environment or a prompt; list and show; passwords never print or reach the audit log", async () => {
    const { h, run, runWith, pwFile, passwordOf, noSecrets } = setup();
    const alice = await run("user", "create", "alice", "--display-name", "Alice Archer", "--email", "alice@example.com", "--password-file", pwFile(0));
    expect(alice).toMatchObject({ code: 0, err: "" });
    expect(alice.out).toMatch(/^user "alice" created: usr_[0-9a-z]{16}\nnext: dca-hub role grant alice ROLE \[--site S \| --group G\]/);
    expect(await verifyPassword(PW[0], passwordOf("alice"))).toBe(true);

    expect((await runWith({ env: { [NEW_PASSWORD_ENV]: PW[1] } }, "user", "create", "bob")).code).toBe(0);
    expect(await verifyPassword(PW[1], passwordOf("bob"))).toBe(true);
    expect((await runWith({ answers: [PW[2], PW[2]] }, "user", "create", "carol")).code).toBe(0);
    expect(await verifyPassword(PW[2], passwordOf("carol"))).toBe(true);

    expect(await runWith({ answers: [PW[2], PW[3]] }, "user", "create", "dave")).toMatchObject({ code: 2, err: expect.stringContaining("the two passwords typed differ") });
    expect(await run("user", "create", "dave")).toMatchObject({ code: 2, err: expect.stringContaining("no terminal") });
    expect(await runWith({ env: { [NEW_PASSWORD_ENV]: "password1234" } }, "user", "create", "dave")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^dca-hub user create: password refused: /),
    });
    expect(await runWith({ env: { [NEW_PASSWORD_ENV]: PW[3] } }, "user", "create", "ALICE")).toMatchObject({ code: 1, err: expect.stringContaining("already exists") });
    expect(await run("user", "create", "eve", "--password", "x")).toMatchObject({ code: 2, err: expect.stringContaining("unknown option --password") });
    expect(await run("user", "create", "eve", "--password-file", join(pwFile(0), "nope"))).toMatchObject({ code: 2, err: expect.stringContaining("cannot read --password-file") });
    expect(h.store.getUserByUsername("dave")).toBeUndefined();

    const list = await run("user", "list");
    expect(list.out).toMatch(/^USERNAME\s+ID\s+SOURCE\s+ROLES\s+2FA\s+STATUS\s+LAST SIGN-IN\n/);
    expect(list.out).toMatch(/\nalice\s+usr_\w+\s+local\s+-\s+-\s+enabled\s+-\n/);
    expect(list.out).toMatch(/\nowner\s+usr_\w+\s+local\s+owner\s+-\s+enabled/);
    const json = JSON.parse((await run("user", "list", "--json")).out);
    expect(json.map((u: { username: string }) => u.username)).toEqual(["alice", "bob", "carol", "owner"]);
    expect(json[0]).toMatchObject({ displayName: "Alice Archer", email: "alice@example.com", source: "local", hasPassword: true, disabled: false, locked: false, grants: [] });
    expect(json[0]).not.toHaveProperty("passwordHash");

    const show = await run("user", "show", "alice");
    expect(show.out).toContain("User          alice (usr_");
    expect(show.out).toContain("Name          Alice Archer\nEmail         alice@example.com\nSource        local\nStatus        enabled\n2FA           none\n");
    expect(show.out).toContain("Created       2026-03-01 08:00:00Z by owner\n");
    expect(show.out).toContain("Roles         none (dca-hub role grant alice ROLE)");
    expect(show.out).toContain("Sessions      none");
    const id = h.store.getUserByUsername("alice")!.id;
    expect(JSON.parse((await run("user", "show", id, "--json")).out)).toMatchObject({ username: "alice", sessions: [] });
    expect(await run("user", "show", "nobody")).toMatchObject({ code: 1, err: `dca-hub user show: unknown user "nobody"; see "dca-hub user list"\n` });

    expect(h.store.listAudit({ action: "CreateUser" }).map((r) => [r.actor, r.target, r.outcome])).toEqual([
      ["owner", "user ALICE", "failed"],
      ["owner", "user dave", "failed"],
      ["owner", "user carol", "ok"],
      ["owner", "user bob", "ok"],
      ["owner", "user alice", "ok"],
    ]);
    noSecrets();
  });

  test("show lists roles and sessions, marking the caller's own", async () => {
    const { h, run, pwFile } = setup();
    await run("user", "create", "alice", "--password-file", pwFile(0));
    await run("site", "create", "Acme");
    await run("role", "grant", "alice", "technician", "--site", "Acme");
    const alice = h.store.getUserByUsername("alice")!;
    h.store.createSession({ userId: alice.id, method: "password", address: "192.0.2.7", client: "dca-hub 0.1 on laptop" });
    const show = (await run("user", "show", "alice")).out;
    expect(show).toMatch(/\nRoles\n {2}GRANT\s+ROLE\s+WHERE\s+SOURCE\n {2}rg_\w+\s+technician\s+site Acme\s+manual\n/);
    expect(show).toMatch(/\nSessions\n {2}SESSION\s+METHOD\s+ADDRESS\s+LAST USED\s+EXPIRES\s+CLIENT\n {2}ses_\w+\s+password\s+192\.0\.2\.7\s+2026-03-01 08:00:00Z \(0s ago\)\s+2026-03-01 20:00:00Z\s+dca-hub 0.1 on laptop\n/);
    expect((await run("user", "show", "owner")).out).toMatch(/ses_\w+ \(this one\)/);
  });

  test("disable revokes sessions and tokens at once; enable lets them sign in again but brings none back", async () => {
    const { h, run } = setup();
    const viewer = h.as("viewer");
    const user = h.store.getUserByUsername("viewer1")!;
    const { secret } = h.store.createApiToken({ userId: user.id, name: "billing", scope: "meters", expiresAt: new Date(h.clock.now() + 86_400_000) });
    const token = h.withBearer(secret);
    expect((await viewer.listSites({})).sites).toEqual([]);
    expect((await token.listSites({})).sites).toEqual([]);

    expect(await run("user", "disable", "viewer1")).toEqual({
      code: 0,
      out: `user "viewer1" disabled: they cannot sign in; 1 session and 1 API token revoked\n`,
      err: "",
    });
    for (const api of [viewer, token]) await expect(api.listSites({})).rejects.toMatchObject({ code: "unauthenticated" });
    expect((await run("user", "list")).out).toMatch(/\nviewer1\s+usr_\w+\s+local\s+viewer\s+-\s+disabled \(disabled by owner\)/);

    expect(await run("user", "enable", "viewer1")).toMatchObject({ code: 0, out: `user "viewer1" enabled (their inactivity clock starts again now)\n` });
    for (const api of [viewer, token]) await expect(api.listSites({})).rejects.toMatchObject({ code: "unauthenticated" });
    expect(h.store.listApiTokens({ userId: user.id, active: true })).toEqual([]);
    expect(await run("user", "disable", "owner")).toMatchObject({ code: 1, err: "dca-hub user disable: refused: you cannot disable your own account; ask another admin\n" });
    expect(h.store.listAudit({ action: "SetUserDisabled", limit: 1 })[0]).toMatchObject({ target: "user owner", outcome: "failed" });
    expect(h.store.listAudit({ action: "SetUserDisabled" }).at(-1)).toMatchObject({ target: "user viewer1", detail: { disabled: true, sessionsRevoked: 1, tokensRevoked: 1 } });
  });

  test("reset-password revokes their sessions; reset-totp, unlock and revoke-sessions", async () => {
    const { h, run, runWith, pwFile, passwordOf, noSecrets } = setup();
    await run("user", "create", "alice", "--password-file", pwFile(0));
    const alice = h.store.getUserByUsername("alice")!;
    const session = () => h.withBearer(h.store.createSession({ userId: alice.id, method: "password", address: "127.0.0.1", client: "t" }).token);
    h.store.grantRole({ userId: alice.id, role: "viewer" });
    const s1 = session();
    expect(await run("user", "reset-password", "alice", "--password-file", pwFile(3))).toEqual({
      code: 0,
      out: `password of "alice" reset; 1 session revoked (tell them the new password by another channel)\n`,
      err: "",
    });
    expect(await verifyPassword(PW[3], passwordOf("alice"))).toBe(true);
    await expect(s1.listSites({})).rejects.toMatchObject({ code: "unauthenticated" });
    expect(await runWith({ answers: ["purple monkey dishwasher 42", "purple monkey dishwasher 42"] }, "user", "reset-password", "alice")).toMatchObject({ code: 0 });
    expect(await runWith({ env: { [NEW_PASSWORD_ENV]: "alice" } }, "user", "reset-password", "alice")).toMatchObject({ code: 2, err: expect.stringContaining("password refused") });
    expect(await run("user", "reset-password", "owner", "--password-file", pwFile(1))).toMatchObject({ code: 1, err: expect.stringContaining("change your own password as yourself") });

    expect(await run("user", "reset-totp", "alice")).toMatchObject({ code: 1, err: `dca-hub user reset-totp: alice has no two-factor sign-in to reset\n` });
    h.store.setTotpPending(alice.id, "JBSWY3DPEHPK3PXP");
    h.store.enableTotp(alice.id, 1, ["h1", "h2"]);
    expect((await run("user", "show", "alice")).out).toContain("2FA           TOTP, 2 recovery codes left\n");
    expect(await run("user", "reset-totp", "alice")).toMatchObject({ code: 0, out: expect.stringContaining(`two-factor sign-in of "alice" removed`) });
    expect((await run("user", "show", "alice")).out).toContain("2FA           none\n");

    for (let i = 0; i < 5; i++) h.store.recordSignInFailure(alice.id, { attempts: 5, lockMs: 0 });
    expect((await run("user", "show", "alice")).out).toContain("Status        locked until unlocked; 5 failed sign-ins in a row\n");
    expect(await run("user", "unlock", "alice")).toMatchObject({ code: 0, out: `user "alice" unlocked; their failed sign-ins are forgotten\n` });
    expect((await run("user", "show", "alice")).out).toContain("Status        enabled\n");
    for (let i = 0; i < 5; i++) h.store.recordSignInFailure(alice.id, { attempts: 5, lockMs: 15 * 60_000 });
    expect((await run("user", "list")).out).toMatch(/alice .* locked until 2026-03-01 08:15:00Z/);

    const [s2, s3] = [session(), session()];
    expect(await run("user", "revoke-sessions", "alice")).toMatchObject({ code: 0, out: `2 sessions of "alice" revoked; they sign in again\n` });
    for (const s of [s2, s3]) await expect(s.listSites({})).rejects.toMatchObject({ code: "unauthenticated" });
    expect(await run("user", "revoke-sessions", "owner")).toMatchObject({ code: 0, out: `0 sessions of "owner" revoked; they sign in again\n` });
    expect((await h.api.listSites({})).sites).toEqual([]);
    noSecrets();
  });

  test("every people and audit command is in the help, and each group lists its commands", async () => {
    const { run } = setup();
    const nouns = ["user", "role", "group", "security", "sso", "audit"];
    const names = Object.keys(ADMIN_COMMANDS).filter((n) => nouns.includes(n.split(" ")[0]!));
    expect(names.length).toBe(27);
    for (const name of names) expect(ADMIN_HELP).toContain(name);
    expect(ADMIN_HELP).toContain("\nPeople (");
    expect(ADMIN_HELP).toContain("\nAudit log (");
    expect((await run("help", "sso")).out).toContain("  dca-hub sso set-oidc --issuer URL --client-id ID");
    expect((await run("user", "reset-password", "--help")).out).toBe("Usage: dca-hub user reset-password USER [--password-file F]\n");
  });
});
