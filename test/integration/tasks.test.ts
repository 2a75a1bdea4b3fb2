/**
 * Every kind of task end to end: `dca-hub task create ... --wait` against a
 * real hub process, a real `dca run` agent process, and real peers on
 * loopback: the fleet simulator (SNMP), the Zebra simulator (raw port and
 * LPD), the printer web simulator (HTTP, HTTPS, HP LEDM), and ICMP to a
 * loopback address. Also: what the hub and the agent refuse.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Fleet, startFleet } from "../sim/fleet.ts";
import { type WebSimulator, startWebSimulator } from "../sim/web/web-simulator.ts";
import { type ZebraSimulator, startZebraSimulator } from "../sim/zebra/zebra-simulator.ts";
import { type AgentProcess, type HubProcess, activateAgent, freeUdpPort, startAgentProcess, startHubProcess } from "../support/service-peers.ts";
import { repoRoot } from "../support/shared-dir.ts";

const COMMUNITY = "tasks-community-41";
const WRONG = "not-the-community-9";
const NET = "127.33.0";
const PRINTER = `${NET}.1`;
const ZEBRA = `${NET}.2`;
const WEB = `${NET}.3`;
const fixtures = join(repoRoot, "test/fixtures/snmprec");

let tmp: string;
let hub: HubProcess;
let fleet: Fleet;
let zebra: ZebraSimulator;
let web: WebSimulator;
let agent: AgentProcess | undefined;
const stateDir = () => join(tmp, "agent");

interface TaskJson {
  id: string;
  kind: string;
  state: string;
  message: string;
  readingIds: string[];
  // biome-ignore lint/suspicious/noExplicitAny: the JSON form of the TaskResult message
  result?: any;
}

/** `task create Acme ARGS --wait --json`: the task as it ended. */
async function runTask(...args: string[]): Promise<TaskJson & { exitCode: number; stderr: string }> {
  const r = await hub.admin("task", "create", "Acme", ...args, "--wait", "--wait-seconds", "45", "--json");
  if (!r.stdout.trim()) throw new Error(`task create ${args.join(" ")} printed nothing (exit ${r.exitCode}): ${r.stderr}`);
  return { ...JSON.parse(r.stdout), exitCode: r.exitCode, stderr: r.stderr };
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "dca-tasks-"));
  const simPort = await freeUdpPort();
  fleet = await startFleet({
    devices: [{ address: PRINTER, port: simPort, recording: join(fixtures, "mono-laser.snmprec"), communities: [COMMUNITY] }],
  });
  zebra = await startZebraSimulator({ host: ZEBRA, lpdQueues: ["zebra"] });
  web = await startWebSimulator({ host: WEB, hp: true });
  hub = await startHubProcess(join(tmp, "hub"));
  await hub.must("site", "create", "Acme");
  await hub.must("site", "set-targets", "Acme", `${NET}.0/28`);
  await hub.must("site", "set-snmp", "Acme", "--port", String(simPort), "--timeout", "400ms", "--retries", "0");
  await hub.must("site", "add-credential", "Acme", "--name", "wrong", "--community", WRONG);
  await hub.must("site", "add-credential", "Acme", "--name", "main", "--community", COMMUNITY);
  await hub.must("site", "set-schedule", "Acme", "--poll", "1s");
  const code = JSON.parse(await hub.must("code", "create", "Acme", "--json")).code as string;
  const act = await activateAgent(hub, stateDir(), code);
  if (act.exitCode !== 0) throw new Error(`activation failed: ${act.stderr}`);
  agent = startAgentProcess(stateDir());
  await agent.waitForLog(/discovery done/, 30_000);
}, 60_000);

afterAll(async () => {
  await agent?.kill9();
  await hub?.kill9();
  await fleet?.stop();
  await zebra?.close();
  await web?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe("tasks from the hub's command line to a running agent", () => {
  test("ping: ICMP from inside the agent, with round trips; or a clear reason why not", async () => {
    const t = await runTask("ping", PRINTER, "--count", "3", "--interval-ms", "50");
    const p = t.result.ping;
    if (p.socket) {
      expect(t.state).toBe("done");
      expect(p).toMatchObject({ address: PRINTER, sent: 3, received: 3 });
      expect(p.rtt.minMs).toBeGreaterThan(0);
      expect(p.rtt.maxMs).toBeGreaterThanOrEqual(p.rtt.avgMs);
      expect(t.message).toMatch(/3\/3 replies, 0% loss, rtt min\/avg\/max/);
    } else {
      // Neither raw nor ping sockets here: the result says what to change.
      expect(t.state).toBe("failed");
      expect(p.error).toMatch(/not permitted.*(CAP_NET_RAW|ping_group_range)/);
    }
  }, 60_000);

  test("traceroute to a loopback address is one hop, reached", async () => {
    const t = await runTask("traceroute", PRINTER, "--max-hops", "4", "--timeout-ms", "500");
    const r = t.result.traceroute;
    if (!r.socket) return void expect(r.error).toMatch(/not permitted/);
    expect(t.state).toBe("done");
    expect(r.reached).toBe(true);
    expect(r.hops).toHaveLength(1);
    expect(r.hops[0]).toMatchObject({ ttl: 1, address: PRINTER });
  }, 60_000);

  test("snmp-test says which credential works, and never shows one", async () => {
    const r = await hub.admin("task", "create", "Acme", "snmp-test", PRINTER, "--wait");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/works\s+main \(v2c\)/);
    expect(r.stdout).toMatch(/fails\s+wrong \(v2c\): no answer \(timeout/);
    const t = await runTask("snmp-test", PRINTER);
    const checks = t.result.snmpTest.credentials;
    expect(checks.map((c: { name: string; ok?: boolean }) => [c.name, c.ok ?? false])).toEqual([
      ["wrong", false],
      ["main", true],
    ]);
    expect(checks[1].sysDescr).toContain("Example");
    const everything = `${r.stdout}${r.stderr}${JSON.stringify(t)}${agent!.log()}${hub.log()}`;
    expect(everything).not.toContain(COMMUNITY);
    expect(everything).not.toContain(WRONG);
  }, 60_000);

  test("zebra read: ~HS and ~HQOD go into a reading of the printer, faults as detected errors", async () => {
    zebra.state.paperOut = true;
    const t = await runTask("zebra", ZEBRA, "read", "--port", String(zebra.rawPort));
    expect(t.state).toBe("done");
    expect(t.readingIds).toHaveLength(1);
    expect(t.result.zebra.status).toMatchObject({ paperOut: true, printMode: "tear-off" });
    expect(t.result.zebra.counters[0]).toMatchObject({ kind: "COUNTER_KIND_LENGTH", value: "8560", unit: "COUNTER_UNIT_INCHES" });
    expect(t.message).toContain("noPaper");
    // The reading reached the hub as the device's reading.
    const devices = JSON.parse(await hub.must("device", "list", "--json")) as { id: string; address: string }[];
    const device = devices.find((d) => d.address === ZEBRA)!;
    const [reading] = JSON.parse(await hub.must("device", "readings", device.id, "--json"));
    expect(reading.id).toBe(t.readingIds[0]);
    expect(reading.reading.counters).toContainEqual(expect.objectContaining({ kind: "COUNTER_KIND_LENGTH", value: "8560", oid: "zebra:~HQOD" }));
    expect(reading.reading.status.detectedErrors).toContain("noPaper");
    zebra.state.paperOut = false;
  }, 60_000);

  test("zebra send over raw 9100 and over LPR; getvar and setvar", async () => {
    const zpl = "^XA^FO40,40^A0N,30^FDTask label^FS^PQ2^XZ";
    const before = zebra.state.labelsPrinted;
    const raw = await runTask("zebra", ZEBRA, "send", "--text", zpl, "--port", String(zebra.rawPort));
    expect(raw).toMatchObject({ state: "done", result: { zebra: { transport: "raw", bytesSent: zpl.length } } });
    expect(zebra.rawText()).toContain(zpl);
    const lpr = await runTask("zebra", ZEBRA, "send", "--text", zpl, "--lpr", "--port", String(zebra.lpdPort), "--queue", "zebra");
    expect(lpr.state).toBe("done");
    expect(Buffer.from(zebra.jobs.at(-1)!.dataFiles[0].bytes).toString()).toBe(zpl);
    expect(zebra.state.labelsPrinted).toBe(before + 4);

    const get = await runTask("zebra", ZEBRA, "getvar", "device.friendly_name", "--port", String(zebra.rawPort));
    expect(get.result.zebra).toMatchObject({ found: true, value: "ZT410-SIM" });
    const set = await runTask("zebra", ZEBRA, "setvar", "device.friendly_name", "Dock-7", "--port", String(zebra.rawPort));
    expect(set.state).toBe("done");
    expect(set.message).not.toContain("Dock-7");
    expect((await runTask("zebra", ZEBRA, "getvar", "device.friendly_name", "--port", String(zebra.rawPort))).result.zebra.value).toBe("Dock-7");
    // A value that would end the command early and run the rest as ZPL: refused by the agent, nothing sent.
    const sent = zebra.rawReceived.length;
    const bad = await runTask("zebra", ZEBRA, "setvar", "device.friendly_name", 'x"^XA^JUF^XZ', "--port", String(zebra.rawPort));
    expect(bad.state).toBe("failed");
    expect(bad.message).toContain("without double quotes");
    expect(zebra.rawReceived.length).toBe(sent);
    // A closed port is a clear failure.
    const closed = await runTask("zebra", ZEBRA, "read", "--port", "1");
    expect(closed.state).toBe("failed");
    expect(closed.message).toContain("ECONNREFUSED");
  }, 90_000);

  test("web probe: status, title and certificate per port, and HP LEDM into a reading", async () => {
    const t = await runTask("web", WEB, "--ports", `${web.httpPort},${web.httpsPort}`, "--tls-ports", String(web.httpsPort));
    expect(t.state).toBe("done");
    const [http, https] = t.result.webProbe.ports;
    expect(http).toMatchObject({ port: web.httpPort, scheme: "http", statusCode: 200 });
    expect(https).toMatchObject({ port: web.httpsPort, scheme: "https", statusCode: 200 });
    expect(http.title).toContain("HP");
    expect(https.certificate).toMatchObject({ selfSigned: true });
    expect(https.certificate.sha256Fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/i);
    const ledm = t.result.webProbe.ledm;
    expect(ledm.found).toBe(true);
    expect(ledm.consumables.length).toBeGreaterThan(0);
    expect(ledm.counters.length).toBeGreaterThan(0);
    expect(t.readingIds).toHaveLength(1);
    expect(web.requests.some((r) => r.path === "/DevMgmt/ConsumableConfigDyn.xml")).toBe(true);
    const closed = await runTask("web", WEB, "--ports", "1");
    expect(closed.state).toBe("failed");
    expect(closed.result.webProbe.ports[0].error).toMatch(/refused|ECONNREFUSED/i);
  }, 60_000);

  test("the hub refuses a task outside the site; the agent refuses one the site no longer covers", async () => {
    const outside = await hub.admin("task", "create", "Acme", "ping", "127.34.0.1");
    expect(outside.exitCode).toBe(2);
    expect(outside.stderr).toContain(`"127.34.0.1" is outside this site's targets`);
    expect(JSON.parse(await hub.must("task", "list", "--json")).some((t: TaskJson) => JSON.stringify(t).includes("127.34.0.1"))).toBe(false);

    // Queued while 127.33.0.9 was a target; the targets change before the agent takes it.
    await agent!.stop();
    const queued = JSON.parse(await hub.must("task", "create", "Acme", "ping", `${NET}.9`, "--json"));
    await hub.must("site", "set-targets", "Acme", `${NET}.1-3`);
    agent = startAgentProcess(stateDir());
    const ended = await (async () => {
      for (let i = 0; i < 150; i++) {
        const s = JSON.parse(await hub.must("task", "show", queued.id, "--json"));
        if (s.state !== "pending" && s.state !== "sent") return s;
        await Bun.sleep(200);
      }
      throw new Error("the agent never answered the task");
    })();
    expect(ended.state).toBe("refused");
    expect(ended.message).toContain(`"${NET}.9" is outside this site's targets`);
    await hub.must("site", "set-targets", "Acme", `${NET}.0/28`);
  }, 60_000);
});
