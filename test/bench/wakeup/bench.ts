/**
 * Wake-up latency: from `dca-hub task create` (the admin command run as a
 * process, as a user would) to the agent starting the task, with the hub's
 * embedded broker. Not a unit test: run it by hand and copy the table into
 * README.md.
 *
 *   npx bun test/bench/wakeup/bench.ts [--tasks 20] [--agents 200] [--poll-short 10] [--skip-process] [--skip-sim] [--skip-poll]
 *
 *   npm run build && bun test/bench/wakeup/bench.ts --skip-sim   # the product rows only
 *
 * Rows: (a) one real `dca run` process, tasks for it (`--agent`); (b) N
 * simulated agents connected at once (sim-agents.ts), tasks for one random
 * agent at a time and tasks for the whole site; (c) the peer, polling
 * alone: a real `dca run` process on a hub started with --no-mqtt, with
 * the poll interval shortened to --poll-short seconds (300 s would take
 * hours for 20 tasks); its wait is uniform over the interval, so the
 * figures scale to 300 s. Rows (a) and (c) run the shipped binaries
 * (build/out, or DCA_BIN and DCA_HUB_BIN); rows (b) run the agent's wake-up
 * and gRPC clients in this process: a component figure, not a product one.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openHubStore } from "../../../src/hub/store/index.ts";
import { type HubProcess, activateAgent, hubCommand, runCommand, startHubProcess } from "../../support/service-peers.ts";
import { Arrivals, watchAgentProcess } from "./agent-watch.ts";
import { startSimFleet } from "./sim-agents.ts";
import { startSpreadProxy } from "./spread-proxy.ts";

process.env.DCA_BIN ??= "build/out/dca";
process.env.DCA_HUB_BIN ??= "build/out/dca-hub";

const { values: v } = parseArgs({
  options: {
    tasks: { type: "string", default: "20" },
    agents: { type: "string", default: "200" },
    "poll-short": { type: "string", default: "10" },
    "skip-process": { type: "boolean", default: false },
    "skip-sim": { type: "boolean", default: false },
    "skip-poll": { type: "boolean", default: false },
  },
  strict: true,
});
const TASKS = Number(v.tasks);
const AGENTS = Number(v.agents);
const POLL_SHORT_S = Number(v["poll-short"]);
/** Loopback addresses where nothing answers SNMP: a read task there ends after one short timeout. */
const TARGETS = "127.78.0.1-8";
const address = (i: number) => `127.78.0.${1 + (i % 8)}`;

const root = mkdtempSync(join(tmpdir(), "dca-wakeup-bench-"));
const hubs: HubProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
const rows: string[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rand = (lo: number, hi: number) => lo + Math.random() * (hi - lo);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
function summary(ms: number[]): { median: number; p95: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  const m = s.length >> 1;
  return { median: s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2, p95: percentile(s, 95), max: s[s.length - 1]! };
}
const fmtMs = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);

function row(label: string, ms: number[], note = ""): { median: number; p95: number; max: number } {
  const s = summary(ms);
  const line = `| ${label} | ${ms.length} | ${fmtMs(s.median)} | ${fmtMs(s.p95)} | ${fmtMs(s.max)} | ${note} |`;
  rows.push(line);
  console.log(line);
  return s;
}

/** `dca-hub task create` as a process; returns the task id and when the bench spawned it. */
/** How long each `task create` process ran, per row label: the part of the latency spent before the hub knows. */
const createMs: number[] = [];

async function createTask(hub: HubProcess, site: string, addr: string, agentId?: string): Promise<{ id: string; t0: number }> {
  const t0 = performance.now();
  const r = await runCommand([...hubCommand(), "task", "create", site, "read", addr, ...(agentId ? ["--agent", agentId] : []), "--json", "--data", hub.dataDir]);
  if (r.exitCode !== 0) throw new Error(`task create failed (${r.exitCode}): ${r.stderr}`);
  createMs.push(performance.now() - t0);
  return { id: JSON.parse(r.stdout).id as string, t0 };
}

/** The median `task create` run time since the last call, for a row's note. */
function createNote(): string {
  const note = `\`task create\` process: ${fmtMs(summary(createMs).median)}`;
  createMs.length = 0;
  return note;
}

async function setupSite(hub: HubProcess, name: string, pollSeconds: number): Promise<void> {
  await hub.must("site", "create", name);
  await hub.must("site", "set-targets", name, TARGETS);
  await hub.must("site", "set-snmp", name, "--timeout", "200ms", "--retries", "0");
  await hub.must("site", "set-schedule", name, "--poll", `${pollSeconds}s`, "--discovery", "24h", "--read", "24h");
}

/** One real agent process on `site`; tasks for it, one at a time, `gap()` ms apart. */
async function processRun(hub: HubProcess, site: string, label: string, gap: () => number, waitFor: RegExp): Promise<number[]> {
  const code = JSON.parse(await hub.must("code", "create", site, "--json")).code as string;
  const stateDir = join(root, `agent-${site}`);
  const act = await activateAgent(hub, stateDir, code);
  if (act.exitCode !== 0) throw new Error(`activation failed: ${act.stderr}`);
  const agentId = (JSON.parse(await hub.must("agent", "list", "--site", site, "--json")) as { id: string }[])[0]!.id;
  const agent = watchAgentProcess(stateDir);
  cleanups.push(() => agent.stop());
  await agent.waitForLine(waitFor, 30_000);
  const out: number[] = [];
  for (let i = 0; i < TASKS; i++) {
    await sleep(gap());
    const { id, t0 } = await createTask(hub, site, address(i), agentId);
    out.push((await agent.started.wait(id, 600_000)) - t0);
    await agent.finished.wait(id, 30_000);
    process.stderr.write(`${label}: ${i + 1}/${TASKS} ${Math.round(out.at(-1)!)} ms (create ${Math.round(createMs.at(-1)!)} ms)\n`);
  }
  await agent.stop();
  return out;
}

async function main(): Promise<void> {
  console.log(`wake-up bench: ${TASKS} tasks per row, ${AGENTS} simulated agents, poll-only at ${POLL_SHORT_S} s; DCA_BIN=${process.env.DCA_BIN} DCA_HUB_BIN=${process.env.DCA_HUB_BIN}`);
  const hub = await startHubProcess(join(root, "hub"));
  hubs.push(hub);

  if (!v["skip-process"]) {
    await setupSite(hub, "Solo", 300);
    const ms = await processRun(hub, "Solo", "process", () => rand(200, 800), /wake-ups: connected/);
    row("(a) 1 `dca run` process, embedded broker, poll 300 s", ms, createNote());
  }

  if (!v["skip-sim"]) {
    await setupSite(hub, "Fleet", 300);
    const store = openHubStore(hub.dataDir);
    const site = store.getSite("Fleet")!;
    const codes = Array.from({ length: AGENTS }, () => store.createActivationCode(site.id).code);
    store.close();
    const proxy = await startSpreadProxy({ host: "127.0.0.1", port: hub.port });
    cleanups.push(() => proxy.close());
    const arrivals = new Arrivals();
    const t = performance.now();
    const fleet = await startSimFleet({
      hubUrl: hub.url,
      caPem: readFileSync(hub.caPath, "utf8"),
      codes,
      activationProxyUrl: proxy.url,
      onStarted: (id, _agent, at) => arrivals.record(id, at),
    });
    cleanups.push(() => fleet.close());
    await fleet.allConnected(120_000);
    console.log(`${AGENTS} simulated agents activated, polled once and subscribed in ${fmtMs(performance.now() - t)}`);

    const targeted: number[] = [];
    for (let i = 0; i < TASKS; i++) {
      await sleep(rand(200, 800));
      const agent = fleet.agents[Math.floor(Math.random() * fleet.agents.length)]!;
      const { id, t0 } = await createTask(hub, "Fleet", address(i), agent.id);
      targeted.push((await arrivals.wait(id, 60_000)) - t0);
    }
    row(`(b) component: ${AGENTS} simulated agents connected, task for one (\`--agent\`)`, targeted, createNote());

    const siteWide: number[] = [];
    const pollsBefore = fleet.agents.reduce((n, a) => n + a.polls, 0);
    for (let i = 0; i < TASKS; i++) {
      // Longer gaps: every agent polls on each site-wide task, and the coalescer allows one poll a second.
      await sleep(rand(1_200, 2_000));
      const { id, t0 } = await createTask(hub, "Fleet", address(i));
      siteWide.push((await arrivals.wait(id, 60_000)) - t0);
    }
    // The other agents' polls for the last task are still on their way when the first one takes it.
    await sleep(1_500);
    const polls = fleet.agents.reduce((n, a) => n + a.polls, 0) - pollsBefore;
    row(`(b) component: ${AGENTS} simulated agents connected, task for the site (first agent to start it)`, siteWide, `${createNote()}; ${(polls / TASKS).toFixed(0)} polls per task`);
  }

  if (!v["skip-poll"]) {
    const pollHub = await startHubProcess(join(root, "hub-poll"), 0, ["--no-mqtt"]);
    hubs.push(pollHub);
    await setupSite(pollHub, "Poll", POLL_SHORT_S);
    // Gaps spread over a whole interval, so tasks land at every phase of the agent's poll cycle.
    const ms = await processRun(pollHub, "Poll", "poll-only", () => rand(0, POLL_SHORT_S * 1000), /discovery done/);
    const s = row(`(c) peer: polling alone (\`--no-mqtt\`), 1 \`dca run\` process, poll ${POLL_SHORT_S} s`, ms, createNote());
    // A task lands at a uniform moment of the poll cycle: the wait is uniform over 0..interval
    // (the agent jitters each interval by +-10 %), plus the fixed cost of create and poll.
    const half = (POLL_SHORT_S * 1000) / 2;
    rows.push(`| (c) expected for uniform 0-${POLL_SHORT_S} s | | ${fmtMs(half)} | ${fmtMs(POLL_SHORT_S * 950)} | ${fmtMs(POLL_SHORT_S * 1100)} | measured median / expected = ${(s.median / half).toFixed(2)} |`);
    rows.push(`| (c) expected at the default poll 300 s | | 150.0 s | 285.0 s | 330.0 s | uniform 0-300 s, +-10 % jitter |`);
    console.log(rows.slice(-2).join("\n"));
  }

  console.log("\n| row | tasks | median | p95 | max | note |\n| --- | --- | --- | --- | --- | --- |");
  for (const r of rows) console.log(r);
}

try {
  await main();
} finally {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  for (const h of hubs) await h.stop().catch(() => {});
  rmSync(root, { recursive: true, force: true });
}
