import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { AgentConfigSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import { SnmpVersion } from "../../gen/dca/v1/reading_pb.ts";
import { ConfigError } from "../config/load-config.ts";
import { DEFAULT_SCHEDULE, serviceConfigFromHub, targetsKey } from "./config-from-hub.ts";

const base = () =>
  create(AgentConfigSchema, {
    version: 7n,
    targets: ["10.0.0.0/24"],
    exclude: ["10.0.0.1"],
    credentials: [
      { name: "office", version: SnmpVersion.V2C, community: "public" },
      { name: "old", version: SnmpVersion.V1, community: "legacy" },
      { name: "ops", version: SnmpVersion.V3, user: "ops", authProtocol: "sha256", authPassword: "auth-password", privProtocol: "aes128", privPassword: "priv-password" },
    ],
  });

describe("config from the hub", () => {
  test("zeros mean the defaults: discovery 3x a day, reads hourly, polls every 5 minutes", () => {
    const c = serviceConfigFromHub(base());
    expect(c.version).toBe(7n);
    expect(c.schedule).toEqual(DEFAULT_SCHEDULE);
    expect(c.schedule).toEqual({ discoveryMs: 8 * 3600_000, readMs: 3600_000, pollMs: 300_000 });
    expect(c.config.snmp.port).toBe(161);
    expect(c.config.scan).toEqual({ targets: ["10.0.0.0/24"], exclude: ["10.0.0.1"] });
    expect(c.config.credentials.map((k) => `${k.name}:${k.version}`)).toEqual(["office:v2c", "old:v1", "ops:v3"]);
    expect(c.config.credentials[2]).toMatchObject({ auth: { protocol: "sha256" }, priv: { protocol: "aes128" } });
    expect(c.outbox).toEqual({});
  });

  test("set values are used", () => {
    const cfg = base();
    cfg.discoveryIntervalSeconds = 3600;
    cfg.readIntervalSeconds = 600;
    cfg.pollIntervalSeconds = 60;
    cfg.snmp = { $typeName: "dca.v1.SnmpSettings", port: 1161, timeoutMs: 500, retries: 2, concurrency: 10, rate: 100, readConcurrency: 4, sweepTimeoutMs: 1500, readDeadlineMs: 90_000 };
    cfg.outbox = { $typeName: "dca.v1.OutboxLimits", maxReadings: 50n, maxBytes: 0n, maxAgeSeconds: 86400 };
    const c = serviceConfigFromHub(cfg);
    expect(c.schedule).toEqual({ discoveryMs: 3600_000, readMs: 600_000, pollMs: 60_000 });
    expect(c.config.snmp).toMatchObject({ port: 1161, timeout: 500, retries: 2, concurrency: 10, rate: 100, readConcurrency: 4, sweepTimeout: 1500, readDeadline: 90_000 });
    expect(c.outbox).toEqual({ maxReadings: 50, maxAgeMs: 86_400_000 });
  });

  test("a bad config is refused as a whole, naming the field but not the secret", () => {
    const cfg = base();
    cfg.credentials[2]!.authPassword = "short";
    cfg.credentials[2]!.authProtocol = "sha256";
    expect(() => serviceConfigFromHub(cfg)).toThrow(ConfigError);
    try {
      serviceConfigFromHub(cfg);
    } catch (e) {
      expect((e as Error).message).toContain("version 7");
      expect((e as Error).message).toContain("at least 8 characters");
      expect((e as Error).message).not.toContain("short");
    }
    const bad = base();
    bad.credentials[0]!.authProtocol = "";
    bad.credentials[2]!.privProtocol = "rot13";
    expect(() => serviceConfigFromHub(bad)).toThrow(/rot13|protocol/);
  });

  test("the targets key changes only with what discovery sweeps", () => {
    const a = serviceConfigFromHub(base()).config;
    const sameTargets = base();
    sameTargets.readIntervalSeconds = 60;
    expect(targetsKey(serviceConfigFromHub(sameTargets).config)).toBe(targetsKey(a));
    const moved = base();
    moved.targets = ["10.0.1.0/24"];
    expect(targetsKey(serviceConfigFromHub(moved).config)).not.toBe(targetsKey(a));
  });
});
