/**
 * The dca command line end to end, as a process, against the fleet
 * simulator on loopback: SNMPv3 reads, a scan with silent devices and a
 * non-printer, and the error paths a user meets first.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Fleet, startFleet } from "../sim/fleet.ts";
import { dcaCommand } from "../support/dca-cli.ts";
import { repoRoot } from "../support/shared-dir.ts";
import { tempDir } from "../support/temp-dir.ts";

const fixtures = join(repoRoot, "test/fixtures/snmprec");
const port = 16400 + Math.floor(Math.random() * 500);
const PRIVATE_COMMUNITY = "pr1vate-Community-7";
let fleet: Fleet;

async function dca(...args: string[]) {
  return dcaWithEnv({}, ...args);
}

async function dcaWithEnv(env: Record<string, string>, ...args: string[]) {
  const proc = Bun.spawn([...dcaCommand().argv, ...args], { cwd: repoRoot, stdout: "pipe", stderr: "pipe", env: { ...process.env, ...env } });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, code };
}

beforeAll(async () => {
  const v3Users = [
    { name: "ops", authProtocol: "sha256", authKey: "auth-pass-1", privProtocol: "aes128", privKey: "priv-pass-1" },
    { name: "legacy", authProtocol: "md5", authKey: "auth-pass-2", privProtocol: "des", privKey: "priv-pass-2" },
  ] as const;
  fleet = await startFleet({
    devices: [
      { address: "127.21.0.1", port, recording: join(fixtures, "mono-laser.snmprec"), v3Users: [...v3Users] },
      { address: "127.21.0.2", port, recording: join(fixtures, "color-mfp.snmprec"), communities: ["public", "color-mfp"] },
      { address: "127.21.0.3", port, recording: join(fixtures, "switch.snmprec") },
      { address: "127.21.0.4", port, recording: join(fixtures, "mono-laser.snmprec"), silent: true },
      { address: "127.21.0.5", port, recording: join(fixtures, "v1-only.snmprec") },
      { address: "127.21.0.6", port, recording: join(fixtures, "mono-laser.snmprec"), wrongCommunity: true },
      { address: "127.21.0.9", port, recording: join(fixtures, "color-mfp.snmprec"), communities: [PRIVATE_COMMUNITY] },
    ],
  });
});
afterAll(() => fleet?.stop());

describe("dca read over SNMPv3", () => {
  for (const [user, auth, priv] of [
    ["ops", "sha256:auth-pass-1", "aes128:priv-pass-1"],
    ["legacy", "md5:auth-pass-2", "des:priv-pass-2"],
  ]) {
    test(`user ${user} (${auth.split(":")[0]}/${priv.split(":")[0]}) reads the printer`, async () => {
      const r = await dca("read", `127.21.0.1:${port}`, "--v3-user", user, "--v3-auth", auth, "--v3-priv", priv, "--json");
      expect(r.code).toBe(0);
      const reading = JSON.parse(r.stdout);
      expect(reading.snmpVersion).toBe("SNMP_VERSION_V3");
      expect(reading.credential).toBe(`v3-${user}`);
      expect(reading.serialNumber).toBe("EXM100-000123");
      expect(r.stdout + r.stderr).not.toContain("auth-pass");
    });
  }

  test("a wrong v3 password fails clearly, without echoing it", async () => {
    const r = await dca("read", `127.21.0.1:${port}`, "--v3-user", "ops", "--v3-auth", "sha256:wrong-pass-9", "--timeout", "300ms", "--json");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("did not answer SNMP");
    expect(r.stderr).not.toContain("wrong-pass-9");
  });
});

describe("secrets kept off the command line (ps shows it)", () => {
  test("--community-file and DCA_COMMUNITY read a printer that answers only its private community", async () => {
    const dir = tempDir("dca-secret-");
    const file = join(dir, "community");
    writeFileSync(file, `${PRIVATE_COMMUNITY}\n`, { mode: 0o600 });
    for (const r of [
      await dca("read", `127.21.0.9:${port}`, "--community-file", file, "--timeout", "500ms", "--json"),
      await dcaWithEnv({ DCA_COMMUNITY: PRIVATE_COMMUNITY }, "read", `127.21.0.9:${port}`, "--timeout", "500ms", "--json"),
    ]) {
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).credential).toBe("community-1");
      expect(r.stdout + r.stderr).not.toContain(PRIVATE_COMMUNITY);
    }
    const without = await dca("read", `127.21.0.9:${port}`, "--timeout", "300ms", "--retries", "0", "--json");
    expect(without.code).toBe(1);
  });

  test("DCA_V3_AUTH and DCA_V3_PRIV give the v3 passwords; alone they change nothing", async () => {
    const env = { DCA_V3_AUTH: "sha256:auth-pass-1", DCA_V3_PRIV: "aes128:priv-pass-1" };
    const r = await dcaWithEnv(env, "read", `127.21.0.1:${port}`, "--v3-user", "ops", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).snmpVersion).toBe("SNMP_VERSION_V3");
    const v2 = await dcaWithEnv(env, "read", `127.21.0.2:${port}`, "--json");
    expect(v2.code).toBe(0);
    expect(JSON.parse(r.stdout).credential).toBe("v3-ops");
    expect(JSON.parse(v2.stdout).snmpVersion).toBe("SNMP_VERSION_V2C");
  });

  test("a missing secret file is one line and exit 2", async () => {
    const r = await dca("read", `127.21.0.9:${port}`, "--community-file", "/nonexistent/dca-community");
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe("dca read: cannot read --community-file /nonexistent/dca-community: no such file");
  });
});

describe("dca scan", () => {
  test("finds and reads every printer, skips the switch, survives silent and wrong-community devices", async () => {
    const r = await dca("scan", `127.21.0.0/29`, "--port", String(port), "--community", "public,color-mfp", "--timeout", "300ms", "--json");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.address).sort()).toEqual([`127.21.0.1:${port}`, `127.21.0.2:${port}`, `127.21.0.5:${port}`]);
    for (const l of lines) expect(l.supplies.length).toBeGreaterThan(0);
    expect(r.stderr).toMatch(new RegExp(`skipped 127\\.21\\.0\\.3:${port}: .*not a known printer vendor`));
    expect(r.stderr).toContain("scanned 6 addresses");
    expect(r.stderr).toContain("3 printers read");
  });

  test("a bad target is a usage error naming it", async () => {
    const r = await dca("scan", "10.0.0.300");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("10.0.0.300");
  });
});

describe("errors a user meets first", () => {
  test("an unknown option lists the allowed ones", async () => {
    const r = await dca("read", "127.0.0.1", "--comunity", "x");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option --comunity");
    expect(r.stderr).toContain("--community");
  });

  test("a bad config field is named, with what is allowed", async () => {
    const dir = tempDir("dca-cli-");
    const file = join(dir, "dca.toml");
    writeFileSync(file, `[snmp]\nretries = 50\n`);
    const r = await dca("read", "127.0.0.1", "--config", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("snmp.retries: must be at most 10");
  });

  test("--version and --help answer without SNMP", async () => {
    expect((await dca("--version")).stdout).toMatch(/^dca \d+\.\d+\.\d+/);
    expect((await dca("scan", "--help")).stdout).toContain("--exclude");
  });
});
