/**
 * Signing in with the real CLI against a real hub over TLS: password and
 * TOTP (enrolled with the account commands), recovery codes, the lockout
 * and its answers, required 2FA, an API token used with curl (docs/api.md),
 * and the break-glass command refusing while the hub runs.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { totpCodeAt } from "../../src/hub/accounts/index.ts";
import { type CommandResult, type HubProcess, hubCommand, ownerPasswordFile, runCommand, startHubProcess } from "../support/service-peers.ts";
import { tempDir } from "../support/temp-dir.ts";

let tmp: string;
let hub: HubProcess;

beforeAll(async () => {
  tmp = tempDir("dca-sign-in-");
  hub = await startHubProcess(join(tmp, "hub"));
  await hub.must("site", "create", "Acme");
}, 60_000);

afterAll(async () => {
  await hub?.kill9();
});

/** A user made by the owner, with a password file and a CLI of their own (their own session file). */
async function person(name: string, role?: string) {
  const pw = join(tmp, `${name}.pw`);
  writeFileSync(pw, `orange piano ${name.length} mountain river\n`, { mode: 0o600 });
  await hub.must("user", "create", name, "--password-file", pw);
  if (role) await hub.must("role", "grant", name, role, "--site", "Acme");
  const env = { DCA_HUB_SESSION: join(tmp, `${name}.session.json`) };
  const cli = (...args: string[]) => runCommand([...hubCommand(), ...args], env);
  const login = (...more: string[]) => cli("login", "--hub", hub.url, "--ca", hub.caPath, "--user", name, "--password-file", pw, ...more);
  return { pw, cli, login };
}

const ok = (r: CommandResult) => {
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout;
};

describe("dca-hub login against a running hub", () => {
  test("password then TOTP; recovery codes work once; logout ends the session at the hub", async () => {
    const bob = await person("bob", "viewer");
    ok(await bob.login());
    const enrol = ok(await bob.cli("account", "totp-enrol", "--password-file", bob.pw));
    const secret = /type the secret ([A-Z2-7]+) in by hand/.exec(enrol)![1]!;
    expect(enrol).toContain("otpauth://totp/");
    const confirmed = ok(await bob.cli("account", "totp-confirm", totpCodeAt(secret, Date.now())));
    const codes = confirmed.match(/^ {2}(\S+)$/gm)!.map((c) => c.trim());
    expect(codes).toHaveLength(10);
    ok(await bob.cli("logout"));

    const noCode = await bob.login();
    expect(noCode.exitCode).toBe(2);
    expect(noCode.stderr).toContain("no terminal to ask for two-factor code");
    // The next step's code: the one just used is refused as a replay.
    expect(ok(await bob.login("--totp", totpCodeAt(secret, Date.now() + 30_000)))).toContain(`signed in to ${hub.url} as bob`);
    expect(ok(await bob.cli("site", "list"))).toContain("Acme");
    const sessionFile = join(tmp, "bob.session.json");
    const saved = JSON.parse(await Bun.file(sessionFile).text());
    expect((await Bun.file(sessionFile).stat()).mode & 0o777).toBe(0o600);
    ok(await bob.cli("logout"));
    // The hub ended the session: the token no longer opens anything.
    expect((await runCommand([...hubCommand(), "site", "list", "--hub", hub.url, "--ca", hub.caPath], { DCA_HUB_TOKEN: saved.token })).stderr).toContain("sign in first");

    ok(await bob.login("--totp", codes[0]!));
    ok(await bob.cli("logout"));
    const again = await bob.login("--totp", codes[0]!);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain("sign-in refused");
  });

  test("5 wrong passwords lock the account; the answers do not tell who exists; an admin unlocks", async () => {
    const carl = await person("carl", "viewer");
    const wrong = join(tmp, "wrong.pw");
    writeFileSync(wrong, "certainly not the password\n");
    const attempt = (user: string) => runCommand([...hubCommand(), "login", "--hub", hub.url, "--ca", hub.caPath, "--user", user, "--password-file", wrong], { DCA_HUB_SESSION: join(tmp, "x.json") });
    const unknown = await attempt("nobody-here");
    const first = await attempt("carl");
    expect(first.stderr).toBe(unknown.stderr);
    expect(first.exitCode).toBe(unknown.exitCode);
    for (let i = 0; i < 4; i++) await attempt("carl");
    // Locked: the right password is refused, and only it learns why.
    const locked = await carl.login();
    expect(locked.exitCode).toBe(1);
    expect(locked.stderr).toMatch(/the account is locked after too many failed attempts, until .* UTC; wait, or ask an admin to unlock it/);
    expect((await attempt("carl")).stderr).toBe(unknown.stderr);
    expect(ok(await hub.admin("user", "show", "carl"))).toContain("locked");
    ok(await hub.admin("user", "unlock", "carl"));
    ok(await carl.login());
    const audit = ok(await hub.admin("audit", "list", "--action", "SignIn", "--limit", "20"));
    expect(audit).toContain("carl");
    expect(audit).toContain("failed");
  });

  test("required 2FA: a user without TOTP may only enrol, then works", async () => {
    const dora = await person("dora", "technician");
    ok(await hub.admin("security", "set", "--require-2fa", "on"));
    try {
      const login = await dora.login();
      expect(login.exitCode, login.stderr).toBe(0);
      expect(login.stderr).toContain("this hub requires two-factor sign-in");
      const refused = await dora.cli("site", "list");
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toContain("enrol TOTP first");
      const secret = /type the secret ([A-Z2-7]+) in by hand/.exec(ok(await dora.cli("account", "totp-enrol", "--password-file", dora.pw)))![1]!;
      expect(ok(await dora.cli("account", "totp-confirm", totpCodeAt(secret, Date.now())))).toContain("this session is now a full one");
      expect(ok(await dora.cli("site", "list"))).toContain("Acme");
    } finally {
      ok(await hub.admin("security", "set", "--require-2fa", "off"));
    }
  });

  test("an API token with curl: the meters scope reads, cannot create tasks; revoked, it stops", async () => {
    const made = JSON.parse(ok(await hub.admin("account", "create-token", "billing", "--scope", "meters", "--expires", "30d", "--password-file", ownerPasswordFile(hub.dataDir), "--json")));
    expect(made.secret).toMatch(/^dcat_/);
    const curl = (method: string, body: unknown) =>
      runCommand([
        "curl", "-sS", "--cacert", hub.caPath, "-w", "\\n%{http_code}",
        "-H", `Authorization: Bearer ${made.secret}`, "-H", "Content-Type: application/json",
        "-d", JSON.stringify(body), `${hub.url}/dca.v1.AdminService/${method}`,
      ]);
    const sites = await curl("ListSites", {});
    const [body, status] = sites.stdout.trimEnd().split(/\n(?=\d{3}$)/);
    expect(status).toBe("200");
    expect(JSON.parse(body!).sites[0].site.name).toBe("Acme");
    const task = await curl("CreateTask", { site: "Acme", task: { ping: { address: "127.0.0.1" } } });
    expect(task.stdout).toMatch(/"code":"permission_denied"[\s\S]*\n403$/);
    ok(await hub.admin("account", "revoke-token", made.id));
    expect((await curl("ListSites", {})).stdout).toMatch(/"code":"unauthenticated"[\s\S]*\n401$/);
    // Over HTTP/1.1 too.
    const h1 = await runCommand(["curl", "-sS", "--http1.1", "--cacert", hub.caPath, "-o", "/dev/null", "-w", "%{http_code} %{http_version}", "-H", "Content-Type: application/json", "-d", "{}", `${hub.url}/dca.v1.AdminService/WhoAmI`]);
    expect(h1.stdout).toBe("401 1.1");
  });

  test("admin-local refuses while the hub runs", async () => {
    const r = await runCommand([...hubCommand(), "admin-local", "--data", hub.dataDir, "owner", "reset", "owner", "--password-file", ownerPasswordFile(hub.dataDir)]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^dca-hub admin-local owner reset: the hub \(pid \d+\) is serving .*; admin-local is for a stopped hub: stop it first/);
  });
});
