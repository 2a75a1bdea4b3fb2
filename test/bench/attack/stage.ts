/**
 * One attack of the bench on a hub of its own: a fresh `dca-hub serve`
 * (defaults), a real `dca run` activated against it, and a second agent whose
 * credential plays the stolen one. Two windows of the same length, in the
 * order asked: quiet (the peer: the same hub, no attack) and under attack
 * (attacker.ts in a process of its own). In each, the honest client polls
 * with the running agent's credential every 100 ms and uploads 10 readings
 * after every 10th poll; the hub's RSS and sockets are sampled every 200 ms.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import type { MqttClient } from "mqtt";
import type { OutboxReading } from "../../../src/gen/dca/v1/agent_service_pb.ts";
import { parseBrokerUrl } from "../../../src/common/broker-url.ts";
import { type ActivatedAgent, activateClient } from "../../support/attack/agent-client.ts";
import { type HonestCalls, honestCalls } from "../../support/attack/honest-client.ts";
import { openSockets, peakRssMb, rssMb } from "../../support/attack/process-stats.ts";
import { mqttOutcome, rawMqttClient } from "../../support/mqtt-test-client.ts";
import { type AgentProcess, type HubProcess, activateAgent, startAgentProcess, startHubProcess } from "../../support/service-peers.ts";
import { repoRoot } from "../../support/shared-dir.ts";
import { loopbackReadings } from "./loopback-readings.ts";

/** What a stage runs: the attacker's mode, and what else is timed in each window. */
export interface StagePlan {
  attack: string;
  windowMs: number;
  /** Time `dca activate` (and, with "mqtt", an MQTT-over-WebSocket connect) in each window. */
  extras: "none" | "activate" | "activate+mqtt";
  order: "quiet first" | "attack first";
  /** Start the honest activation this long into the attack window. */
  activateAfterMs?: number;
}

export interface Window {
  calls: HonestCalls;
  startedAt: number;
  rssMaxMb: number;
  socketsMax: number;
  /** Lines `dca run` logged during the window. */
  agentLog: string[];
  activate?: { ms: number; exitCode: number; stderr: string };
  mqtt?: { ms: number; outcome: string };
}

export interface StageResult {
  plan: StagePlan;
  quiet: Window;
  attack: Window;
  /** The attacker's own counts of how the hub answered, and when the quota attack was first refused. */
  refusals: Record<string, unknown>;
  overQuotaAt?: number;
  rssAfterMb: number;
  /** Sampled every 200 ms while the attack ran. */
  rssPeakMb: number;
  /** VmHWM at the end: the highest RSS the hub ever had, in case a sample missed a spike. */
  hwmMb: number;
  /** Hub log lines about refusals (quota, dropped connections). */
  hubLog: string[];
}

export interface StageEnv {
  root: string;
  simPort: number;
  simTargets: string;
}

/** Starts attacker.ts; resolves once it says the attack is up. */
async function startAttacker(plan: StagePlan, hub: HubProcess, stolen: ActivatedAgent) {
  const proc = Bun.spawn({
    cmd: [process.execPath, join(repoRoot, "test/bench/attack/attacker.ts"), plan.attack, "--url", hub.url, "--ca", hub.caPath],
    cwd: repoRoot,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
    env: { ...process.env, ATTACK_BEARER: stolen.bearer },
  });
  const lines: Record<string, unknown>[] = [];
  let wake = () => {};
  (async () => {
    let buf = "";
    for await (const chunk of proc.stdout as ReadableStream<Uint8Array>) {
      buf += new TextDecoder().decode(chunk);
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        lines.push(JSON.parse(buf.slice(0, i)));
        buf = buf.slice(i + 1);
        wake();
      }
    }
  })();
  const waitFor = async (key: string, ms: number) => {
    const end = Date.now() + ms;
    while (!lines.some((l) => key in l)) {
      if (Date.now() > end || proc.exitCode !== null) throw new Error(`attacker ${plan.attack}: no "${key}" within ${ms} ms`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 200);
      });
    }
    return lines.find((l) => key in l)![key];
  };
  await waitFor("started", 30_000);
  return {
    proc: proc as Subprocess,
    line: (key: string) => lines.find((l) => key in l)?.[key],
    async stop(): Promise<Record<string, unknown>> {
      proc.kill("SIGTERM");
      const result = await waitFor("result", 20_000).catch(() => ({ error: "no result" }));
      await proc.exited;
      return result as Record<string, unknown>;
    },
  };
}

/** Runs one window: honest calls for windowMs (longer if an activation is still running), sampling the hub. */
async function runWindow(ctx: { hub: HubProcess; agent: AgentProcess; honest: ActivatedAgent; other: ActivatedAgent; ca: string; nextReadings: (n: number) => OutboxReading[] }, plan: StagePlan, underAttack: boolean, tag: string): Promise<Window> {
  const { hub } = ctx;
  const pid = hub.proc.pid;
  const w: Window = { calls: { polls: [], uploads: [] }, startedAt: Date.now(), rssMaxMb: rssMb(pid), socketsMax: openSockets(pid), agentLog: [] };
  const logFrom = ctx.agent.log().length;
  const sampler = setInterval(() => {
    w.rssMaxMb = Math.max(w.rssMaxMb, rssMb(pid));
    w.socketsMax = Math.max(w.socketsMax, openSockets(pid));
  }, 200);
  const extras = (async () => {
    if (plan.extras === "none") return;
    const code = JSON.parse(await hub.must("code", "create", "Acme", "--json")).code as string;
    await Bun.sleep(underAttack ? (plan.activateAfterMs ?? 1_000) : 1_000);
    const t0 = performance.now();
    const act = await activateAgent(hub, join(hub.dataDir, "..", `activated-${tag}`), code);
    w.activate = { ms: performance.now() - t0, exitCode: act.exitCode, stderr: act.stderr.trim() };
    if (plan.extras !== "activate+mqtt") return;
    const opened: MqttClient[] = [];
    const t1 = performance.now();
    const id = JSON.parse(readFileSync(join(ctx.other.stateDir, "identity.json"), "utf8")) as { agentId: string; secret: string };
    const outcome = await mqttOutcome(rawMqttClient(parseBrokerUrl(`wss://127.0.0.1:${hub.port}/mqtt`), ctx.ca, { username: id.agentId, password: id.secret, clientId: id.agentId }, opened));
    w.mqtt = { ms: performance.now() - t1, outcome };
    for (const c of opened) c.end(true);
  })();
  const stop = new AbortController();
  const ended = Promise.all([Bun.sleep(plan.windowMs), extras]).then(() => stop.abort());
  w.calls = await honestCalls({
    hubUrl: hub.url,
    caPem: ctx.ca,
    bearer: ctx.honest.bearer,
    ms: 10 * 60_000,
    gapMs: 100,
    uploads: { every: 10, next: () => ctx.nextReadings(10) },
    signal: stop.signal,
  });
  await ended;
  clearInterval(sampler);
  w.agentLog = ctx.agent.log().slice(logFrom).split("\n").filter(Boolean);
  return w;
}

/** One attack on a fresh hub, with its quiet peer window; everything is stopped before it returns. */
export async function runStage(env: StageEnv, plan: StagePlan, name: string): Promise<StageResult> {
  const dir = join(env.root, name);
  const hub = await startHubProcess(join(dir, "hub"));
  let agent: AgentProcess | undefined;
  try {
    const ca = readFileSync(hub.caPath, "utf8");
    await hub.must("site", "create", "Acme");
    await hub.must("site", "set-targets", "Acme", env.simTargets);
    await hub.must("site", "set-snmp", "Acme", "--port", String(env.simPort));
    await hub.must("site", "set-schedule", "Acme", "--read", "5s", "--poll", "2s");
    const honest = await activateClient(hub, join(dir, "agent"), "Acme");
    const other = await activateClient(hub, join(dir, "stolen"), "Acme");
    agent = startAgentProcess(honest.stateDir, [], {}, { shortBackoff: false });
    await agent.waitForLog(/discovery done/, 30_000);
    const ctx = { hub, agent, honest, other, ca, nextReadings: loopbackReadings("honest", 50) };
    let quiet: Window | undefined;
    if (plan.order === "quiet first") quiet = await runWindow(ctx, plan, false, "quiet");
    const attacker = await startAttacker(plan, hub, other);
    const attack = await runWindow(ctx, plan, true, "attack");
    const refusals = await attacker.stop();
    const overQuotaAt = attacker.line("overQuota") as number | undefined;
    const rssPeakMb = Math.max(attack.rssMaxMb, rssMb(hub.proc.pid));
    await Bun.sleep(5_000);
    const rssAfterMb = rssMb(hub.proc.pid);
    quiet ??= await runWindow(ctx, plan, false, "quiet");
    honest.close();
    other.close();
    const hubLog = hub.log().split("\n").filter((l) => /quota used up|connections dropped/.test(l));
    return { plan, quiet, attack, refusals, overQuotaAt, rssPeakMb, hwmMb: peakRssMb(hub.proc.pid), rssAfterMb, hubLog };
  } finally {
    await agent?.stop();
    await hub.stop();
  }
}
