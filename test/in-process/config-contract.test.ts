/**
 * The hub stores no config its agents would refuse. For every refusal an
 * agent can give on a config from the hub (serviceConfigFromHub, what
 * `dca run` applies), the same value is tried through the hub: its admin
 * command (exit 2) and its store (the backstop for every other writer). All
 * three name the same field path, and the site's config stays as it was.
 */
import { describe, expect, test } from "bun:test";
import { type MessageInitShape, create } from "@bufbuild/protobuf";
import { type AgentConfig, AgentConfigSchema, OutboxLimitsSchema, SnmpCredentialSchema, SnmpSettingsSchema } from "../../src/gen/dca/v1/agent_service_pb.ts";
import { SnmpVersion } from "../../src/gen/dca/v1/reading_pb.ts";
import { CONFIG_FIELDS, type ConfigField, ConfigError } from "../../src/common/config/index.ts";
import { serviceConfigFromHub } from "../../src/agent/service/config-from-hub.ts";
import { runAdminCommand } from "../../src/hub/admin/index.ts";
import { StoreError, openHubStore } from "../../src/hub/store/index.ts";
import { tempDataDir } from "../support/hub-store-fixtures.ts";
import { adminHarness } from "../support/admin-harness.ts";

const SECRET = "pass-SECRET-9";
const long = (n: number) => "x".repeat(n);

interface Case {
  /** The field the refusal names (its path without list indexes). */
  field: ConfigField;
  /** The path every side must name. */
  path: string;
  /** What makes the proto config bad. */
  proto: (c: AgentConfig) => void;
  /** The same through an admin command (after "SITE"), if an admin command can say it. */
  admin?: string[];
}

const v3 = (k: Omit<MessageInitShape<typeof SnmpCredentialSchema>, "name" | "version" | "user" | "$typeName"> & { user?: string }) => (c: AgentConfig) =>
  void c.credentials.push(create(SnmpCredentialSchema, { name: "ops", version: SnmpVersion.V3, user: "ops", ...k }));
const snmp = (k: MessageInitShape<typeof SnmpSettingsSchema>) => (c: AgentConfig) => void (c.snmp = create(SnmpSettingsSchema, k));
const outbox = (k: MessageInitShape<typeof OutboxLimitsSchema>) => (c: AgentConfig) => void (c.outbox = create(OutboxLimitsSchema, k));

const CASES: Case[] = [
  { field: "credentials.name", path: "credentials.0.name", proto: (c) => void c.credentials.push(create(SnmpCredentialSchema, { name: "lab:1", version: SnmpVersion.V2C, community: SECRET })), admin: ["add-credential", "--name", "lab:1", "--community", SECRET] },
  { field: "credentials.name", path: "credentials.0.name", proto: (c) => void c.credentials.push(create(SnmpCredentialSchema, { name: long(65), version: SnmpVersion.V2C, community: SECRET })), admin: ["add-credential", "--name", long(65), "--community", SECRET] },
  { field: "credentials.version", path: "credentials.0.version", proto: (c) => void c.credentials.push(create(SnmpCredentialSchema, { name: "odd", version: 9 as SnmpVersion, community: SECRET })) },
  { field: "credentials.community", path: "credentials.0.community", proto: (c) => void c.credentials.push(create(SnmpCredentialSchema, { name: "a", version: SnmpVersion.V2C, community: "" })), admin: ["add-credential", "--name", "a", "--community", ""] },
  { field: "credentials.community", path: "credentials.0.community", proto: (c) => void c.credentials.push(create(SnmpCredentialSchema, { name: "a", version: SnmpVersion.V1, community: long(256) })), admin: ["add-credential", "--name", "a", "--v1", "--community", long(256)] },
  { field: "credentials.user", path: "credentials.0.user", proto: v3({ user: long(40) }), admin: ["add-credential", "--name", "ops", "--v3-user", long(40)] },
  { field: "credentials.user", path: "credentials.0.user", proto: v3({ user: "" }), admin: ["add-credential", "--name", "ops", "--v3-user", ""] },
  { field: "credentials.auth", path: "credentials.0.auth", proto: v3({ authProtocol: "sha256", authPassword: "short" }), admin: ["add-credential", "--name", "ops", "--v3-user", "ops", "--v3-auth", "sha256:short"] },
  { field: "credentials.auth", path: "credentials.0.auth", proto: v3({ authProtocol: "sha999", authPassword: SECRET }), admin: ["add-credential", "--name", "ops", "--v3-user", "ops", "--v3-auth", `sha999:${SECRET}`] },
  { field: "credentials.auth", path: "credentials.0.auth", proto: v3({ authProtocol: "", authPassword: SECRET }), admin: ["add-credential", "--name", "ops", "--v3-user", "ops", "--v3-auth", SECRET] },
  { field: "credentials.auth", path: "credentials.0.auth", proto: v3({ authProtocol: "md5", authPassword: long(256) }), admin: ["add-credential", "--name", "ops", "--v3-user", "ops", "--v3-auth", `md5:${long(256)}`] },
  { field: "credentials.priv", path: "credentials.0.priv", proto: v3({ authProtocol: "sha", authPassword: SECRET, privProtocol: "blowfish", privPassword: SECRET }), admin: ["add-credential", "--name", "ops", "--v3-user", "ops", "--v3-auth", `sha:${SECRET}`, "--v3-priv", `blowfish:${SECRET}`] },
  { field: "credentials.priv", path: "credentials.0.priv", proto: v3({ privProtocol: "aes128", privPassword: SECRET }), admin: ["add-credential", "--name", "ops", "--v3-user", "ops", "--v3-priv", `aes128:${SECRET}`] },
  { field: "credentials.priv", path: "credentials.0.priv", proto: v3({ authProtocol: "sha", authPassword: SECRET, privProtocol: "des", privPassword: "tiny" }), admin: ["add-credential", "--name", "ops", "--v3-user", "ops", "--v3-auth", `sha:${SECRET}`, "--v3-priv", "des:tiny"] },
  { field: "credentials.context", path: "credentials.0.context", proto: v3({ context: long(33) }), admin: ["add-credential", "--name", "ops", "--v3-user", "ops", "--context", long(33)] },
  { field: "snmp.port", path: "snmp.port", proto: snmp({ port: 70_000 }), admin: ["set-snmp", "--port", "70000"] },
  { field: "snmp.timeout", path: "snmp.timeout", proto: snmp({ timeoutMs: 600_001 }), admin: ["set-snmp", "--timeout", "11m"] },
  { field: "snmp.retries", path: "snmp.retries", proto: snmp({ retries: 11 }), admin: ["set-snmp", "--retries", "11"] },
  { field: "snmp.concurrency", path: "snmp.concurrency", proto: snmp({ concurrency: 65_537 }), admin: ["set-snmp", "--concurrency", "65537"] },
  { field: "snmp.rate", path: "snmp.rate", proto: snmp({ rate: 1_000_001 }), admin: ["set-snmp", "--rate", "1000001"] },
  { field: "snmp.readConcurrency", path: "snmp.readConcurrency", proto: snmp({ readConcurrency: 1025 }), admin: ["set-snmp", "--read-concurrency", "1025"] },
  { field: "snmp.sweepTimeout", path: "snmp.sweepTimeout", proto: snmp({ sweepTimeoutMs: 600_001 }), admin: ["set-snmp", "--sweep-timeout", "11m"] },
  { field: "snmp.readDeadline", path: "snmp.readDeadline", proto: snmp({ readDeadlineMs: 3_600_001 }), admin: ["set-snmp", "--read-deadline", "61m"] },
  { field: "scan.targets", path: "scan.targets.1", proto: (c) => void (c.targets = ["127.0.0.1", "10.0.0.300"]), admin: ["set-targets", "127.0.0.1", "10.0.0.300"] },
  { field: "scan.targets", path: "scan.targets.0", proto: (c) => void (c.targets = ["10.0.0.0/7"]), admin: ["set-targets", "10.0.0.0/7"] },
  { field: "scan.exclude", path: "scan.exclude.0", proto: (c) => void ((c.targets = ["127.0.0.0/24"]), (c.exclude = ["not a target"])), admin: ["set-targets", "127.0.0.0/24", "--exclude", "not a target"] },
  { field: "schedule.discovery", path: "schedule.discovery", proto: (c) => void (c.discoveryIntervalSeconds = 91 * 86_400), admin: ["set-schedule", "--discovery", "91d"] },
  { field: "schedule.read", path: "schedule.read", proto: (c) => void (c.readIntervalSeconds = 91 * 86_400), admin: ["set-schedule", "--read", "91d"] },
  { field: "schedule.poll", path: "schedule.poll", proto: (c) => void (c.pollIntervalSeconds = 86_401), admin: ["set-schedule", "--poll", "86401s"] },
  { field: "outbox.maxReadings", path: "outbox.maxReadings", proto: outbox({ maxReadings: 2n ** 60n }), admin: ["set-outbox", "--max-readings", String(2n ** 60n)] },
  { field: "outbox.maxBytes", path: "outbox.maxBytes", proto: outbox({ maxBytes: 2n ** 53n }), admin: ["set-outbox", "--max-bytes", String(2n ** 53n)] },
];

/** Fields no value of the proto can make an agent refuse, and why. */
const NEVER_REFUSED: Partial<Record<ConfigField, string>> = {
  "outbox.maxAge": "max_age_seconds is a uint32: every non-zero value is within 1 s .. 2^32-1 s",
};

const agentRefusal = (mutate: (c: AgentConfig) => void): string => {
  const c = create(AgentConfigSchema, { version: 3n });
  mutate(c);
  try {
    serviceConfigFromHub(c);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("the agent accepted it");
};

describe("one config check on both sides", () => {
  test("every field an agent can refuse has a case here", () => {
    const covered = new Set(CASES.map((c) => c.field));
    const missing = CONFIG_FIELDS.filter((f) => !covered.has(f) && !NEVER_REFUSED[f]);
    expect(missing).toEqual([]);
  });

  for (const k of CASES) {
    test(`${k.path}: refused by the agent, by the admin command and by the store, each naming ${k.path}`, async () => {
      const agentSays = agentRefusal(k.proto);
      expect(agentSays).toContain(`${k.path}: `);
      expect(agentSays).not.toContain(SECRET);

      const dataDir = tempDataDir();
      const store = openHubStore(dataDir);
      const site = store.createSite("Acme");
      try {
        store.updateSiteConfig(site.id, k.proto);
        throw new Error("the store accepted it");
      } catch (e) {
        expect(e).toBeInstanceOf(StoreError);
        expect((e as StoreError).code).toBe("invalid-argument");
        expect((e as Error).message).toContain(`${k.path}: `);
        expect((e as Error).message).not.toContain(SECRET);
      }
      expect(store.getSiteConfig(site.id).version).toBe(1n);
      store.close();

      if (k.admin) {
        let out = "";
        let err = "";
        const { api } = adminHarness({ dataDir });
        const code = await runAdminCommand(["site", k.admin[0]!, "Acme", ...k.admin.slice(1)], { dataDir, api, out: (s) => void (out += s), err: (s) => void (err += s) });
        expect({ code, err }).toMatchObject({ code: 2, err: expect.stringContaining(`${k.path}: `) });
        expect(err.split("\n")[0]).toContain(k.path);
        expect(out + err).not.toContain(SECRET);
        const check = openHubStore(dataDir);
        expect(check.getSiteConfig(site.id).version).toBe(1n);
        check.close();
      }
    });
  }

  test("what the hub stores, every agent accepts", async () => {
    const { dataDir, api } = adminHarness();
    const io = { dataDir, api, out: () => {}, err: (s: string) => void process.stderr.write(s) };
    const run = (...argv: string[]) => runAdminCommand(argv, io);
    expect(await run("site", "create", "Acme")).toBe(0);
    for (const argv of [
      ["set-targets", "Acme", "127.0.0.0/24", "127.0.1.10-50", "printer.example", "--exclude", "127.0.0.1"],
      ["add-credential", "Acme", "--name", "office", "--community", SECRET],
      ["add-credential", "Acme", "--name", "ops@site.x", "--v3-user", long(32), "--v3-auth", `SHA-256:${SECRET}`, "--v3-priv", `aes:${SECRET}`, "--context", long(32)],
      ["set-snmp", "Acme", "--port", "65535", "--timeout", "10m", "--retries", "10", "--concurrency", "65536", "--rate", "1000000", "--read-concurrency", "1024", "--sweep-timeout", "10m", "--read-deadline", "1h"],
      ["set-schedule", "Acme", "--discovery", "90d", "--read", "1s", "--poll", "1d"],
      ["set-outbox", "Acme", "--max-readings", "1", "--max-bytes", String(Number.MAX_SAFE_INTEGER), "--max-age", `${0xffff_ffff}s`],
    ]) {
      expect(await run("site", ...argv)).toBe(0);
    }
    const store = openHubStore(dataDir);
    const config = store.getSiteConfig(store.getSite("Acme")!.id);
    store.close();
    const applied = serviceConfigFromHub(config);
    expect(applied.config.credentials.map((c) => c.name)).toEqual(["office", "ops@site.x"]);
    expect(applied.config.credentials[1]).toMatchObject({ auth: { protocol: "sha256" }, priv: { protocol: "aes128" } });
    expect(applied.schedule).toEqual({ discoveryMs: 90 * 86_400_000, readMs: 1000, pollMs: 86_400_000 });
    expect(applied.config.snmp).toMatchObject({ timeout: 600_000, sweepTimeout: 600_000, readConcurrency: 1024, readDeadline: 3_600_000 });
  });
});
