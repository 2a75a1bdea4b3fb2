import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, loadConfig, redactedConfig, validateConfig } from "./load-config.ts";
import { tempDir } from "../../../test/support/temp-dir.ts";

const dir = tempDir("dca-config-");
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe("config", () => {
  test("a TOML file with v2c and v3 credentials loads with defaults", () => {
    const p = file(
      "ok.toml",
      `[snmp]
timeout = "500ms"
retries = 2

[[credentials]]
name = "office"
version = "v2c"
community = "s3cret-community"

[[credentials]]
name = "ops"
version = "v3"
user = "ops"
auth = "SHA-256:authpass123"
priv = "aes:privpass123"

[scan]
targets = ["10.0.0.0/24"]
`,
    );
    const c = loadConfig(p, {});
    expect(c.snmp).toEqual({ port: 161, timeout: 500, retries: 2, rate: 50000, readConcurrency: 32, sweepTimeout: 1000, readDeadline: 60000 });
    const ops = c.credentials[1]!;
    expect(ops).toMatchObject({ name: "ops", version: "v3", user: "ops", auth: { protocol: "sha256" }, priv: { protocol: "aes128" } });
    expect(Object.keys(ops).sort()).toEqual(["auth", "name", "priv", "user", "version"]);
    expect(ops.version === "v3" && ops.auth?.password.reveal()).toBe("authpass123");
    expect(ops.version === "v3" && ops.priv?.password.reveal()).toBe("privpass123");
    const printed = redactedConfig(c);
    expect(printed).not.toContain("s3cret-community");
    expect(printed).not.toContain("authpass123");
    expect(printed).toContain("office (v2c, community <secret>)");
  });

  test("a JSON file works the same", () => {
    const p = file("ok.json", JSON.stringify({ snmp: { port: 1161 }, credentials: [{ name: "a", version: "v1", community: "x" }] }));
    expect(loadConfig(p, {}).snmp.port).toBe(1161);
  });

  test("command-line values override the file", () => {
    const p = file("o.toml", `[snmp]\nport = 1161\nretries = 3\n`);
    const c = loadConfig(p, { snmp: { port: 2161 } });
    expect(c.snmp.port).toBe(2161);
    expect(c.snmp.retries).toBe(3);
  });

  const bad: [string, unknown, RegExp][] = [
    ["port out of range", { snmp: { port: 70000 } }, /in test: snmp\.port: must be at most 65535$/],
    ["timeout not a duration", { snmp: { timeout: "soon" } }, /snmp\.timeout.*not a duration/],
    ["unknown field", { snmp: { colour: 1 } }, /snmp\.colour: unknown field \(allowed: port, timeout, retries, concurrency, rate, readConcurrency, sweepTimeout, readDeadline\)$/],
    ["bad version", { credentials: [{ name: "a", version: "v4", community: "x" }] }, /version must be one of "v1", "v2c", "v3"/],
    ["bad auth protocol", { credentials: [{ name: "a", version: "v3", user: "u", auth: "sha999:password1" }] }, /credentials\.0\.auth: auth: protocol "sha999" is not one of md5, sha, sha224, sha256, sha384, sha512/],
    ["a missing field", { credentials: [{ name: "a", version: "v2c" }] }, /credentials\.0\.community: missing \(it is required\)$/],
    ["an unknown section", { snmpp: {} }, /snmpp: unknown field \(allowed: credentials, snmp, scan, schedule, outbox\)$/],
    ["short password", { credentials: [{ name: "a", version: "v3", user: "u", priv: "des:short" }] }, /at least 8 characters/],
  ];
  for (const [what, raw, re] of bad) {
    test(`rejects ${what} with a message naming the field`, () => {
      let err: unknown;
      try {
        validateConfig(raw, "test");
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(re);
    });
  }

  test("errors never echo a secret", () => {
    try {
      validateConfig({ credentials: [{ name: "a", version: "v3", user: "u", auth: "md5:tiny" }] }, "test");
      throw new Error("accepted");
    } catch (e) {
      expect((e as Error).message).not.toContain("tiny");
    }
  });

  test("a broken TOML file names the file", () => {
    const p = file("broken.toml", "[snmp\nport=");
    expect(() => loadConfig(p, {})).toThrow(/broken\.toml:1:6 is not valid TOML: .*; fix the file at line 1$/);
  });
});
