import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { ReportTaskResultRequestSchema, TaskStatus } from "../../gen/dca/v1/agent_service_pb.ts";
import { CounterKind } from "../../gen/dca/v1/reading_pb.ts";
import { openHubStore } from "../store/index.ts";
import { makeReading, outbox, tempDataDir, testClock } from "../../../test/support/hub-store-fixtures.ts";
import { ADMIN_HELP, runAdminCommand } from "./index.ts";
import { adminHarness } from "../../../test/support/admin-harness.ts";

const SECRETS = ["comm-SECRET-1", "auth-SECRET-2", "priv-SECRET-3"];
const DAY = 86_400_000;

/** A data folder and a `run` that collects every output, to check for secrets at the end. */
function hub() {
  const { dataDir, clock, api } = adminHarness();
  const everything: string[] = [];
  async function run(...argv: string[]) {
    let out = "";
    let err = "";
    const code = await runAdminCommand(argv, { dataDir, clock, api, out: (s) => void (out += s), err: (s) => void (err += s) });
    everything.push(out, err);
    return { code, out, err };
  }
  const assertNoSecrets = (extra: string[] = []) => {
    const all = everything.join("\n");
    for (const s of [...SECRETS, ...extra]) expect(all).not.toContain(s);
  };
  return { dataDir, clock, run, assertNoSecrets };
}

describe("site commands", () => {
  test("create, configure and show a site; secrets never print", async () => {
    const { dataDir, run, assertNoSecrets } = hub();
    expect((await run("site", "create", "Acme Print")).code).toBe(0);
    expect(await run("site", "set-targets", "Acme Print", "10.0.0.0/24", "10.0.1.10-50", "--exclude", "10.0.0.1,10.0.0.2")).toMatchObject({
      code: 0,
      out: expect.stringContaining("config version 2"),
    });
    const v2c = await run("site", "add-credential", "Acme Print", "--name", "office", "--community", SECRETS[0]);
    expect(v2c).toMatchObject({ code: 0, out: expect.stringContaining("office (v2c, community <secret>)") });
    const v3 = await run("site", "add-credential", "Acme Print", "--name", "ops", "--v3-user", "opsuser", "--v3-auth", `SHA256:${SECRETS[1]}`, "--v3-priv", `aes128:${SECRETS[2]}`, "--context", "Jetdirect");
    expect(v3).toMatchObject({ code: 0, out: expect.stringContaining("config version 4") });
    expect((await run("site", "add-credential", "Acme Print", "--name", "old", "--community", "x-other", "--v1")).code).toBe(0);
    expect((await run("site", "remove-credential", "Acme Print", "old")).out).toContain("config version 6");
    expect((await run("site", "set-schedule", "Acme Print", "--discovery", "8h", "--read", "1h", "--poll", "30s")).out).toContain("discovery 8h, read 1h, poll 30s; config version 7");
    expect((await run("site", "set-snmp", "Acme Print", "--port", "1161", "--timeout", "1500ms", "--retries", "2")).code).toBe(0);
    expect((await run("site", "set-outbox", "Acme Print", "--max-readings", "5000", "--max-bytes", "1000000", "--max-age", "30d")).out).toContain("config version 9");

    const store = openHubStore(dataDir);
    const site = store.getSite("Acme Print")!;
    const c = store.getSiteConfig(site.id);
    store.close();
    expect(c).toMatchObject({
      version: 9n,
      targets: ["10.0.0.0/24", "10.0.1.10-50"],
      exclude: ["10.0.0.1", "10.0.0.2"],
      discoveryIntervalSeconds: 28_800,
      readIntervalSeconds: 3600,
      pollIntervalSeconds: 30,
      snmp: { port: 1161, timeoutMs: 1500, retries: 2 },
      outbox: { maxReadings: 5000n, maxBytes: 1_000_000n, maxAgeSeconds: 30 * 86_400 },
    });
    expect(c.credentials.map((x) => [x.name, x.community, x.user, x.authProtocol, x.authPassword, x.privProtocol, x.privPassword, x.context])).toEqual([
      ["office", SECRETS[0], "", "", "", "", "", ""],
      ["ops", "", "opsuser", "sha256", SECRETS[1], "aes128", SECRETS[2], "Jetdirect"],
    ]);

    const shown = await run("site", "show", "Acme Print");
    expect(shown.out).toContain("ops (v3 user opsuser, authPriv sha256/aes128, context Jetdirect)");
    expect(shown.out).toContain("Targets    10.0.0.0/24 10.0.1.10-50");
    const json = JSON.parse((await run("site", "show", site.id, "--json")).out);
    expect(json.site.name).toBe("Acme Print");
    expect(json.config.version).toBe("9");
    expect(json.config.credentials[0].community).toBe("<secret>");
    expect(json.config.credentials[1]).toMatchObject({ authPassword: "<secret>", privPassword: "<secret>", user: "opsuser" });

    const list = await run("site", "list");
    expect(list.out).toMatch(/^ID\s+NAME\s+CONFIG/);
    expect(list.out).toContain("Acme Print  v9");
    expect(JSON.parse((await run("site", "list", "--json")).out)).toMatchObject([{ id: site.id, name: "Acme Print", configVersion: 9 }]);
    assertNoSecrets();
  });

  test("bad input is refused with exit 2 and a message that names the option, never the secret", async () => {
    const { run, assertNoSecrets } = hub();
    await run("site", "create", "Acme");
    const short = await run("site", "add-credential", "Acme", "--name", "v3", "--v3-user", "u", "--v3-auth", "sha256:short");
    expect(short).toMatchObject({ code: 2, err: expect.stringContaining("--v3-auth password must have at least 8 characters") });
    // A password typed without its protocol is not echoed back.
    const noProto = await run("site", "add-credential", "Acme", "--name", "v3", "--v3-user", "u", "--v3-auth", SECRETS[1]);
    expect(noProto).toMatchObject({ code: 2, err: expect.stringContaining("PROTOCOL:PASSWORD with PROTOCOL one of md5, sha, sha224, sha256, sha384, sha512") });
    expect((await run("site", "add-credential", "Acme", "--name", "v3", "--v3-user", "u", "--v3-auth", `sha256:${SECRETS[1]}`, "--v3-priv", `blowfish:${SECRETS[2]}`)).err).toContain("des, aes128, aes256");
    expect((await run("site", "add-credential", "Acme", "--name", "v3", "--v3-user", "u", "--v3-priv", `aes128:${SECRETS[2]}`)).err).toContain("needs --v3-auth");
    expect((await run("site", "add-credential", "Acme", "--name", "both", "--community", SECRETS[0], "--v3-user", "u")).code).toBe(2);
    expect((await run("site", "add-credential", "Acme", "--community", SECRETS[0])).err).toContain("--name is required");
    expect(await run("site", "set-schedule", "Acme", "--read", "1 hour")).toMatchObject({ code: 2, err: expect.stringContaining(`--read must be a duration such as 30s, 5m, 1h, 8h or 7d, got "1 hour"`) });
    expect((await run("site", "set-schedule", "Acme", "--poll", "5")).code).toBe(2);
    expect((await run("site", "set-schedule", "Acme")).err).toContain("give at least one of --discovery, --read, --poll");
    expect((await run("site", "set-snmp", "Acme", "--port", "70000")).err).toContain("--port must be between 0 and 65535");
    expect((await run("site", "set-targets", "Acme", "10.0.0.300")).code).toBe(2);
    expect((await run("site", "set-targets", "Acme")).err).toContain("missing TARGET");
    expect((await run("site", "set-targets", "Acme", "10.0.0.1", "--bogus")).err).toContain("unknown option --bogus");

    // Nothing above changed the config.
    expect((await run("site", "list", "--json")).out).toContain(`"configVersion": 1`);
    await run("site", "add-credential", "Acme", "--name", "office", "--community", SECRETS[0]);
    expect(await run("site", "add-credential", "Acme", "--name", "office", "--community", "again-x")).toMatchObject({ code: 1, err: expect.stringContaining(`credential "office" already exists`) });
    expect((await run("site", "remove-credential", "Acme", "nope")).code).toBe(1);
    assertNoSecrets();
  });

  test("credentials' secrets from a file or the environment, never on the command line", async () => {
    const { dataDir, run, assertNoSecrets } = hub();
    await run("site", "create", "Acme");
    const file = join(dataDir, "..", `community-${process.pid}`);
    writeFileSync(file, `${SECRETS[0]}\n`);
    expect((await run("site", "add-credential", "Acme", "--name", "office", "--community-file", file)).code).toBe(0);
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { DCA_COMMUNITY: "env-community-x", DCA_V3_AUTH: `sha256:${SECRETS[1]}`, DCA_V3_PRIV: `aes128:${SECRETS[2]}` });
      // With --v3-user the environment's community is not a second credential, and its passwords are the v3 user's.
      expect((await run("site", "add-credential", "Acme", "--name", "ops", "--v3-user", "opsuser")).code).toBe(0);
      // Without, the environment's community is the credential's; its v3 passwords are not an error.
      expect((await run("site", "add-credential", "Acme", "--name", "env")).code).toBe(0);
    } finally {
      for (const k of ["DCA_COMMUNITY", "DCA_V3_AUTH", "DCA_V3_PRIV"]) if (saved[k] === undefined) delete process.env[k];
    }
    const store = openHubStore(dataDir);
    const c = store.getSiteConfig(store.getSite("Acme")!.id);
    store.close();
    const creds = c.credentials.map((x) => JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? String(v) : v)));
    expect(creds[0]).toContain(SECRETS[0]);
    expect(creds[1]).toContain(SECRETS[1]);
    expect(creds[1]).toContain(SECRETS[2]);
    expect(creds[2]).toContain("env-community-x");
    assertNoSecrets(["env-community-x"]);
  });

  test("an unknown site fails with exit 1; a taken name too", async () => {
    const { run } = hub();
    expect(await run("site", "show", "Nowhere")).toMatchObject({ code: 1, err: expect.stringContaining(`unknown site "Nowhere"`) });
    expect((await run("site", "set-targets", "Nowhere", "10.0.0.1")).code).toBe(1);
    expect((await run("code", "create", "Nowhere")).code).toBe(1);
    await run("site", "create", "Acme");
    expect(await run("site", "create", "acme")).toMatchObject({ code: 1, err: expect.stringContaining("already exists") });
  });

  test("help, unknown commands and missing arguments", async () => {
    const { run } = hub();
    expect(await run("help")).toEqual({ code: 0, out: ADMIN_HELP, err: "" });
    const unknown = await run("site", "explode");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain(`unknown command "site explode"`);
    expect(unknown.err).toContain("the site commands are:\n  dca-hub site create NAME");
    expect(await run("task", "--help")).toMatchObject({ code: 0, out: expect.stringContaining("  dca-hub task cancel TASK_ID\n"), err: "" });
    expect(await run("help", "device")).toMatchObject({ code: 0, out: expect.stringContaining("  dca-hub device flags ") });
    expect(await run("site")).toMatchObject({ code: 2, out: "", err: expect.stringContaining("dca-hub site: which one? the site commands are:") });
    expect((await run()).code).toBe(2);
    expect(await run("site", "create")).toMatchObject({ code: 2, err: expect.stringContaining("missing NAME") });
    expect((await run("site", "show", "--help")).out).toBe("Usage: dca-hub site show SITE [--json]\n");
    for (const cmd of ["site create", "site set-snmp", "code create", "install reset", "device missed", "device flags", "task create", "task show"]) {
      expect(ADMIN_HELP).toContain(cmd);
    }
  });
});

describe("agent, install and code commands", () => {
  test("a code from the CLI activates an agent that then lists; lockouts list and reset", async () => {
    const { dataDir, clock, run, assertNoSecrets } = hub();
    await run("site", "create", "Acme");
    const text = await run("code", "create", "Acme", "--ttl", "1h");
    const code = /: ([A-Z2-9]{4}-[A-Z2-9]{4})\n/.exec(text.out)?.[1];
    expect(code).toBeDefined();
    expect(text.out).toContain(`expires 2026-03-01 09:00:00Z`);
    const json = JSON.parse((await run("code", "create", "Acme", "--json")).out);
    expect(new Date(json.expiresAt).getTime()).toBe(clock.ms + 7 * DAY);
    expect((await run("code", "create", "Acme", "--ttl", "soon")).code).toBe(2);

    const store = openHubStore(dataDir, { clock });
    const r = store.activate({ code: code!, installId: "inst-1", hostname: "frontdesk-pc", agentVersion: "0.1.0", platform: "windows-x64" });
    if (!r.ok) throw new Error(r.reason);
    for (let i = 0; i < 5; i++) store.activate({ code: "ZZZZ-ZZZZ", installId: "inst-bad", hostname: "h", agentVersion: "0", platform: "p" });
    store.close();

    const agents = await run("agent", "list");
    expect(agents.out).toContain(r.agent.id);
    expect(agents.out).toContain("frontdesk-pc");
    expect(agents.out).toContain("active");
    expect(JSON.parse((await run("agent", "list", "--site", "Acme", "--json")).out)).toMatchObject([{ id: r.agent.id, platform: "windows-x64" }]);
    expect((await run("agent", "disable", r.agent.id)).out).toContain("disabled");
    expect((await run("agent", "list")).out).toContain("disabled");

    const installs = JSON.parse((await run("install", "list", "--json")).out);
    expect(installs.find((i: { installId: string }) => i.installId === "inst-bad")).toMatchObject({ failedAttempts: 5, locked: true });
    expect((await run("install", "list")).out).toMatch(/inst-bad\s+5\s+yes\s+0/);
    expect((await run("install", "reset", "inst-bad")).out).toContain("reset generation 1");
    expect((await run("install", "list")).out).toMatch(/inst-bad\s+0\s+no\s+1/);
    expect((await run("install", "reset", "never")).code).toBe(1);
    assertNoSecrets([r.secret]);
  });
});

describe("device commands", () => {
  test("list, missed, readings and flags, as text and JSON", async () => {
    const { dataDir, clock, run } = hub();
    await run("site", "create", "Acme");
    const store = openHubStore(dataDir, { clock });
    const site = store.getSite("Acme")!;
    const a = store.activate({ code: store.createActivationCode(site.id).code, installId: "i", hostname: "h", agentVersion: "0", platform: "p" });
    if (!a.ok) throw new Error(a.reason);
    const t = clock.ms;
    store.storeReadings(a.agent, [
      outbox("r1", makeReading({ address: "10.0.0.7", serial: "CNB123", vendor: "HP", model: "M507", readAt: t - 3600_000, total: 52_000n, supplies: [{ description: "Black Cartridge", percent: 14 }] })),
      outbox("r2", makeReading({ address: "10.0.0.7", serial: "CNB123", vendor: "HP", model: "M507", readAt: t - 1800_000, total: 51_000n, supplies: [{ description: "Black Cartridge", percent: 12.4 }] })),
      outbox("r3", makeReading({ address: "10.0.0.9", serial: "KY999", vendor: "Kyocera", model: "M3145", readAt: t - 3 * DAY, total: 1000n })),
    ]);
    const hp = store.listDevices().find((d) => d.serialNumber === "CNB123")!;
    store.close();

    const list = await run("device", "list");
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/HP\s+M507\s+CNB123\s+10\.0\.0\.7\s+.*\(30m ago\)\s+51000\s+Black Cartridge 12%\s+running, idle\s+1/);
    expect(list.out).toContain("Kyocera");
    const json = JSON.parse((await run("device", "list", "--site", "Acme", "--json")).out);
    expect(json.find((d: { id: string }) => d.id === hp.id)).toMatchObject({ totalPages: 51000, lowestSupply: { percent: 12.4 }, readingCount: 2, flags: 1 });

    expect((await run("device", "missed")).out).toContain("KY999");
    expect((await run("device", "missed")).out).not.toContain("CNB123");
    expect((await run("device", "missed", "--since", "7d")).out).toContain("every device was read within 7d");
    expect((await run("device", "missed", "--since", "forever")).code).toBe(2);

    const readings = await run("device", "readings", hp.id);
    expect(readings.out.split("\n")[1]).toContain("r2");
    const rj = JSON.parse((await run("device", "readings", hp.id, "--limit", "1", "--json")).out);
    expect(rj).toHaveLength(1);
    expect(rj[0]).toMatchObject({ id: "r2", agentId: a.agent.id, address: "10.0.0.7" });
    expect(rj[0].reading).toMatchObject({ serialNumber: "CNB123", counters: [{ kind: "COUNTER_KIND_TOTAL", value: "51000" }] });
    expect((await run("device", "readings", "dev_nope")).code).toBe(1);

    const flags = await run("device", "flags", "--device", hp.id);
    expect(flags.out).toMatch(/total\s+52000\s+51000\s+-1000\s+backwards\s+r2/);
    expect(JSON.parse((await run("device", "flags", "--json")).out)).toMatchObject([{ kind: CounterKind[CounterKind.TOTAL], reason: "backwards", previous: 52000 }]);
  });
});

describe("task commands", () => {
  test("create scan and read tasks, list and show them", async () => {
    const { run } = hub();
    await run("site", "create", "Acme");
    await run("site", "set-targets", "Acme", "10.0.0.0/24");
    const scan = await run("task", "create", "Acme", "scan", "10.0.0.0/24", "--json");
    const t1 = JSON.parse(scan.out);
    expect(t1).toMatchObject({ kind: "scan", state: "pending", task: { scan: { targets: ["10.0.0.0/24"] } } });
    const read = await run("task", "create", "Acme", "read", "10.0.0.7:1161");
    expect(read.out).toMatch(/^task tsk_\S+ \(read_device 10\.0\.0\.7:1161\) queued for site "Acme"/);
    expect((await run("task", "create", "Acme", "scan")).out).toContain("(site targets)");

    const list = await run("task", "list", "--site", "Acme");
    expect(list.out.trim().split("\n")).toHaveLength(4);
    expect(list.out).toContain("read_device  10.0.0.7:1161");
    expect(JSON.parse((await run("task", "list", "--json")).out)).toHaveLength(3);
    const show = await run("task", "show", t1.id);
    expect(show.out).toContain(`Task      ${t1.id} (scan)`);
    expect(show.out).toContain("State     pending");

    expect((await run("task", "create", "Acme", "read", "10.0.0.1-10.0.0.5")).err).toContain("one address, not a range");
    expect((await run("task", "create", "Acme", "read")).code).toBe(2);
    expect((await run("task", "create", "Acme", "reboot")).err).toContain(`unknown task kind "reboot"`);
    expect((await run("task", "create", "Acme", "scan", "--agent", "agt_nope")).code).toBe(1);
    expect((await run("task", "show", "tsk_nope")).code).toBe(1);
  });

  test("every kind of task from the command line; the hub refuses addresses outside the site", async () => {
    const { dataDir, run } = hub();
    await run("site", "create", "Acme");
    await run("site", "set-targets", "Acme", "10.0.0.0/24");
    const json = async (...argv: string[]) => {
      const r = await run("task", "create", "Acme", ...argv, "--json");
      expect(r.err).toBe("");
      return JSON.parse(r.out).task;
    };
    expect(await json("ping", "10.0.0.5", "--count", "10", "--timeout-ms", "500")).toMatchObject({ ping: { address: "10.0.0.5", count: 10, timeoutMs: 500 } });
    expect(await json("traceroute", "10.0.0.5", "--max-hops", "12")).toMatchObject({ traceroute: { address: "10.0.0.5", maxHops: 12 } });
    expect(await json("snmp-test", "10.0.0.5")).toMatchObject({ snmpTest: { address: "10.0.0.5" } });
    expect(await json("zebra", "10.0.0.6", "read")).toMatchObject({ zebra: { address: "10.0.0.6", action: "ZEBRA_ACTION_READ", transport: "ZEBRA_TRANSPORT_RAW" } });
    const zpl = "^XA^FDhi^FS^XZ";
    expect(await json("zebra", "10.0.0.6", "send", "--text", zpl, "--lpr", "--queue", "zq")).toMatchObject({
      zebra: { action: "ZEBRA_ACTION_SEND", transport: "ZEBRA_TRANSPORT_LPR", queue: "zq", data: Buffer.from(zpl).toString("base64") },
    });
    expect(await json("zebra", "10.0.0.6", "getvar", "device.friendly_name")).toMatchObject({ zebra: { action: "ZEBRA_ACTION_GETVAR", name: "device.friendly_name" } });
    // A --tls-ports port is probed too, added to --ports or to the agent's default ports.
    expect(await json("web", "10.0.0.7", "--ports", "80,8080", "--tls-ports", "8443", "--ledm")).toMatchObject({ webProbe: { address: "10.0.0.7", ports: [80, 8080, 8443], tlsPorts: [8443], ledm: true } });
    expect(await json("web", "10.0.0.7", "--tls-ports", "9443")).toMatchObject({ webProbe: { ports: [80, 443, 8000, 9443], tlsPorts: [9443] } });

    const outside = await run("task", "create", "Acme", "ping", "192.168.50.1");
    expect(outside.code).toBe(2);
    expect(outside.err).toContain('"192.168.50.1" is outside this site\'s targets');
    expect((await run("task", "create", "Acme", "zebra", "10.0.0.6", "getvar", "--lpr")).code).toBe(2);
    expect((await run("task", "create", "Acme", "zebra", "10.0.0.6", "getvar", 'x" ~JR')).err).toContain("not an SGD variable name");
    expect((await run("task", "create", "Acme", "zebra", "10.0.0.6", "send")).err).toContain("--file F or --text");
    expect((await run("task", "create", "Acme", "web", "10.0.0.7", "--ports", "80,99999")).err).toContain("1-65535");
    expect((await run("task", "create", "Acme", "ping", "10.0.0.5", "extra")).code).toBe(2);
    // Outside the bounds the agent applies: refused here, not clamped there.
    for (const [flag, value, range] of [["--count", "100000", "1 to 100"], ["--count", "0", "1 to 100"], ["--timeout-ms", "20", "50 to 10000"], ["--interval-ms", "10001", "10 to 10000"]]) {
      expect(await run("task", "create", "Acme", "ping", "10.0.0.5", flag!, value!)).toMatchObject({ code: 2, err: expect.stringContaining(`${flag} must be from ${range}`) });
    }
    expect((await run("task", "create", "Acme", "traceroute", "10.0.0.5", "--max-hops", "65")).err).toContain("--max-hops must be from 1 to 64");
    const many = Array.from({ length: 16 }, (_, i) => 9000 + i).join(",");
    expect((await run("task", "create", "Acme", "web", "10.0.0.7", "--ports", many, "--tls-ports", "9443")).err).toContain("at most 16 ports, got 17");

    // A result reported by an agent shows in `task show`, with escapes from a printer removed.
    const store = openHubStore(dataDir);
    const site = store.getSite("Acme")!;
    const act = store.activate({ code: store.createActivationCode(site.id).code, installId: "i1", hostname: "pc", agentVersion: "0.1.0", platform: "linux-x64" });
    if (!act.ok) throw new Error(act.reason);
    const [ping] = store.takePendingTasks(act.agent).filter((t) => t.kind.case === "ping");
    const web = store.takePendingTasks(act.agent);
    void web;
    store.reportTaskResult(act.agent, create(ReportTaskResultRequestSchema, {
      taskId: ping.id,
      status: TaskStatus.DONE,
      message: "10.0.0.5: 3/4 replies",
      result: { kind: { case: "ping", value: { address: "10.0.0.5", socket: "raw", sent: 4, received: 3, lossPercent: 25, rtt: { minMs: 0.5, avgMs: 1.25, maxMs: 3 } } } },
    }));
    const webTask = store.listTasks().find((t) => t.kind === "web_probe")!;
    store.reportTaskResult(act.agent, create(ReportTaskResultRequestSchema, {
      taskId: webTask.id,
      status: TaskStatus.DONE,
      result: { kind: { case: "webProbe", value: { address: "10.0.0.7", ports: [{ port: 80, scheme: "http", statusCode: 200, title: "HP \x1b[2JLaserJet", elapsedMs: 12 }] } } },
    }));
    store.close();
    const shown = await run("task", "show", ping.id);
    expect(shown.out).toContain("Result\n  address 10.0.0.5 via raw: 3/4 replies, 25% loss\n  rtt min/avg/max 0.50 ms / 1.25 ms / 3.00 ms");
    const shownWeb = await run("task", "show", webTask.id);
    expect(shownWeb.out).toContain('http://10.0.0.7:80 HTTP 200 "HP [2JLaserJet"');
    expect(shownWeb.out).not.toContain("\x1b");
    expect(JSON.parse((await run("task", "show", ping.id, "--json")).out).result).toMatchObject({ ping: { sent: 4, received: 3 } });
  });
});
