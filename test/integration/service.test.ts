/**
 * The agent as a service against a real hub process, with printers from
 * the fleet simulator on loopback: activation, config from the hub,
 * discovery, reads, uploads, tasks, no listening socket, no secrets in logs,
 * and the hub refusing what it must refuse.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { AgentService, OutboxReadingSchema, TaskStatus } from "../../src/gen/dca/v1/agent_service_pb.ts";
import { createHubTransport } from "../../src/agent/transport/index.ts";
import { type Fleet, startFleet } from "../sim/fleet.ts";
import {
  type AgentProcess,
  type HubProcess,
  activateAgent,
  eventually,
  freeUdpPort,
  startAgentProcess,
  startHubProcess,
} from "../support/service-peers.ts";
import { repoRoot } from "../support/shared-dir.ts";

const COMMUNITY = "s3cret-community-77";
const V3_AUTH = "authpass-Xy9-secret";
const fixtures = join(repoRoot, "test/fixtures/snmprec");
let tmp: string;
let hub: HubProcess;
let fleet: Fleet;
let agent: AgentProcess | undefined;
let simPort: number;
const stateDir = () => join(tmp, "agent");

type DeviceJson = { id: string; serialNumber: string; address: string; model: string; readingCount: number; totalPages?: number };
const devices = async (): Promise<DeviceJson[]> => JSON.parse(await hub.must("device", "list", "--json"));

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "dca-service-"));
  simPort = await freeUdpPort();
  fleet = await startFleet({
    devices: ["mono-laser", "color-mfp", "v1-only", "switch"].map((name, i) => ({
      address: `127.24.0.${i + 1}`,
      port: simPort,
      recording: join(fixtures, `${name}.snmprec`),
      communities: [COMMUNITY],
    })),
  });
  hub = await startHubProcess(join(tmp, "hub"));
  await hub.must("site", "create", "Acme");
  await hub.must("site", "set-targets", "Acme", "127.24.0.1-4");
  await hub.must("site", "set-snmp", "Acme", "--port", String(simPort), "--timeout", "500ms", "--retries", "0");
  await hub.must("site", "add-credential", "Acme", "--name", "main", "--community", COMMUNITY);
  await hub.must("site", "add-credential", "Acme", "--name", "ops-v3", "--v3-user", "ops", "--v3-auth", `sha256:${V3_AUTH}`);
  await hub.must("site", "set-schedule", "Acme", "--read", "2s", "--poll", "1s");
}, 60_000);

afterAll(async () => {
  await agent?.kill9();
  await hub?.kill9();
  await fleet?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe("agent service against a real hub", () => {
  test("activate, then run: discovery finds the printers and the hub holds their readings", async () => {
    const code = JSON.parse(await hub.must("code", "create", "Acme", "--json")).code as string;
    const act = await activateAgent(hub, stateDir(), code.toLowerCase().replace("-", " "));
    expect(act.stderr).toBe("");
    expect(act.exitCode).toBe(0);
    expect(act.stdout).toContain('site "Acme"');
    // Single use: the same code again fails.
    const again = await activateAgent(hub, join(tmp, "other"), code);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain("already used");

    agent = startAgentProcess(stateDir());
    const list = await eventually(async () => {
      const d = await devices();
      return d.length === 3 && d.every((x) => x.readingCount >= 2) ? d : undefined;
    }, 30_000, "3 printers with 2 readings each at the hub");
    expect(list.map((d) => d.serialNumber).sort()).toEqual(["EXC300-004567", "EXM100-000123", ""].sort());
    expect(list.find((d) => d.serialNumber === "EXM100-000123")?.totalPages).toBe(123456);
    await agent.waitForLog(/discovery done: 4 addresses .* 3 printers read, 1 not printers/, 5_000);
  }, 60_000);

  test("the running agent has no listening socket (from /proc/net)", async () => {
    const pid = agent!.proc.pid;
    const inodes = new Set<string>();
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]!);
      } catch {
        // fd closed meanwhile
      }
    }
    expect(inodes.size).toBeGreaterThan(0); // at least its connection to the hub
    const rows = (file: string) =>
      readFileSync(file, "utf8").trim().split("\n").slice(1).map((l) => l.trim().split(/\s+/)).filter((f) => inodes.has(f[9]!));
    const listening = [...rows("/proc/net/tcp"), ...rows("/proc/net/tcp6")].filter((f) => f[3] === "0A");
    expect(listening).toEqual([]);
    // UDP sockets (SNMP) are client sockets on ephemeral ports, never a fixed one.
    const [low] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    for (const f of [...rows("/proc/net/udp"), ...rows("/proc/net/udp6")]) {
      expect(Number.parseInt(f[1]!.split(":")[1]!, 16)).toBeGreaterThanOrEqual(low!);
    }
    // And it does talk to the hub: an established TCP connection to the hub's port.
    const established = [...rows("/proc/net/tcp"), ...rows("/proc/net/tcp6")].filter((f) => f[3] === "01");
    expect(established.some((f) => Number.parseInt(f[2]!.split(":")[1]!, 16) === hub.port)).toBe(true);
  });

  test("a new config applies at once and changed targets run discovery again", async () => {
    const out = await hub.must("site", "set-targets", "Acme", "127.24.0.1-2");
    const version = Number(/config version (\d+)/.exec(out)![1]);
    await eventually(async () => {
      const agents = JSON.parse(await hub.must("agent", "list", "--json")) as { configVersion: number }[];
      return agents[0]?.configVersion === version || undefined;
    }, 10_000, `the agent on config version ${version}`);
    await agent!.waitForLog(/discovery done: 2 addresses/, 10_000);
  }, 20_000);

  test("a read task from the hub runs now and reports its reading", async () => {
    const t = JSON.parse(await hub.must("task", "create", "Acme", "read", `127.24.0.2:${simPort}`, "--json")) as { id: string };
    const shown = await eventually(async () => {
      const s = JSON.parse(await hub.must("task", "show", t.id, "--json")) as { state: string; readingIds: string[]; message: string };
      return s.state === "done" ? s : undefined;
    }, 10_000, "the task done");
    expect(shown.readingIds.length).toBe(1);
    const range = await hub.admin("task", "create", "Acme", "read", "127.24.0.0/30");
    expect(range.exitCode).toBe(2);
    expect(range.stderr).toContain("one address, not a range");
  }, 30_000);

  test("a disabled agent is refused at once and says what to do; enabled again, it carries on", async () => {
    const agents = JSON.parse(await hub.must("agent", "list", "--json")) as { id: string }[];
    await hub.must("agent", "disable", agents[0]!.id);
    await agent!.waitForLog(/the hub refuses this agent's credential .* dca activate --force/, 10_000);
    await hub.must("agent", "enable", agents[0]!.id);
    const before = Date.now();
    await eventually(async () => {
      const a = JSON.parse(await hub.must("agent", "list", "--json")) as { lastPollAt?: string }[];
      return a[0]?.lastPollAt && Date.parse(a[0].lastPollAt) > before ? true : undefined;
    }, 10_000, "a poll after the agent was enabled");
  }, 30_000);

  test("no secret reaches the agent's or the hub's logs", () => {
    const identity = JSON.parse(readFileSync(join(stateDir(), "identity.json"), "utf8")) as { secret: string };
    expect(identity.secret.length).toBeGreaterThan(20);
    for (const log of [agent!.log(), hub.log()]) {
      expect(log).not.toContain(COMMUNITY);
      expect(log).not.toContain(V3_AUTH);
      expect(log).not.toContain(identity.secret);
    }
  });

  test("the hub refuses: no credential, a forged one, oversize and over-long uploads, TLS below 1.2", async () => {
    const identity = JSON.parse(readFileSync(join(stateDir(), "identity.json"), "utf8")) as { agentId: string; secret: string };
    const ca = readFileSync(hub.caPath, "utf8");
    const client = (bearer?: string) =>
      createClient(AgentService, createHubTransport({ hubUrl: hub.url, caPem: ca, bearer: bearer ? () => bearer : undefined }).transport);
    const code = async (p: Promise<unknown>) => {
      try {
        await p;
        return "ok";
      } catch (e) {
        if (process.env.DEBUG_CODES) console.log(ConnectError.from(e).message);
        return Code[ConnectError.from(e).code];
      }
    };
    expect(await code(client().poll({}))).toBe("Unauthenticated");
    expect(await code(client(`Bearer ${identity.agentId}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`).poll({}))).toBe("Unauthenticated");
    const good = client(`Bearer ${identity.agentId}.${identity.secret}`);
    expect(await code(good.poll({}))).toBe("ok");
    expect(await code(good.reportTaskResult({ taskId: "tsk_not_ours", status: TaskStatus.DONE }))).toBe("NotFound");
    const many = Array.from({ length: 1001 }, (_, i) => create(OutboxReadingSchema, { id: `r${i}`, reading: { address: "x" } }));
    expect(await code(good.uploadReadings({ readings: many }))).toBe("InvalidArgument");
    const huge = [create(OutboxReadingSchema, { id: "huge", reading: { sysDescr: "x".repeat(17 * 1024 * 1024) } })];
    expect(await code(good.uploadReadings({ readings: huge }))).toBe("ResourceExhausted");
    // Bun's HTTP/2 server then resets the connection's next stream (ENHANCE_YOUR_CALM); the
    // transport drops that connection, and the call after works on a new one.
    await code(good.poll({}));
    expect(await code(good.poll({}))).toBe("ok");
    const tls11 = await new Promise<string>((resolve) => {
      const s = tlsConnect({ host: "127.0.0.1", port: hub.port, ca, maxVersion: "TLSv1.1", minVersion: "TLSv1", servername: "localhost" });
      s.once("secureConnect", () => {
        s.destroy();
        resolve("connected");
      });
      s.once("error", (e) => resolve(`refused: ${e.message}`));
    });
    expect(tls11).toStartWith("refused");
  }, 30_000);
});
