/**
 * Device Web Access end to end, as a user runs it: `dca-hub serve` with
 * `--web-access-domain wa.localhost` (Chromium and loopbackLookup resolve
 * *.localhost to loopback, so no DNS), one site whose targets are the web
 * simulators' loopback addresses and whose web-access ports are theirs, an
 * activated `dca run` agent with MQTT wake-ups that has finished its first
 * discovery pass, and `web-access open ... --json` for session URLs. Used by
 * test/integration/web-access.test.ts and test/bench/web-access.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type WebSimOptions, type WebSimulator, startWebSimulator } from "../sim/web/web-simulator.ts";
import { loopbackLookup } from "./page-timing.ts";
import { type AgentProcess, type HubProcess, activateAgent, startAgentProcess, startHubProcess } from "./service-peers.ts";

/** The site every stack makes. */
export const WA_SITE = "WA";
/** The web-access domain of every stack's hub. */
export const WA_DOMAIN = "wa.localhost";

/** What `web-access open --json` prints (the fields the tests read). */
export interface OpenedSession {
  id: string;
  label: string;
  url: string;
  agentId: string;
  taskId: string;
  address: string;
  port: number;
  tls: boolean;
  certificate?: { subject: string; issuer: string; notBefore: string; notAfter: string; sha256: string };
  [field: string]: unknown;
}

/** An HTTP answer read to the end. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A running hub, agent and simulators. */
export interface WebAccessStack {
  hub: HubProcess;
  agent: AgentProcess;
  sims: WebSimulator[];
  /** The hub's CA (PEM): what a technician's browser trusts. */
  caPem: string;
  /** `web-access open ADDRESS --site WA --port P --json ...extra`; throws with the command's output when it fails. */
  open(address: string, port: number, ...extra: string[]): Promise<OpenedSession>;
  /** One HTTPS request trusting only the hub's CA, no redirect followed; `path` may be absolute-form. */
  request(url: string, options?: { method?: string; path?: string; headers?: Record<string, string>; body?: string }): Promise<HttpAnswer>;
  /** Starts the agent again (after a test killed it) and waits for its MQTT connection. */
  restartAgent(): Promise<void>;
  stop(): Promise<void>;
}

/** Options for startWebAccessStack. */
export interface WebAccessStackOptions {
  /** More `dca-hub serve` flags (`--relay-listen none`, `--relay sshd ...`). */
  hubArgs?: string[];
  /** One simulator per entry (their hosts must differ). */
  sims: WebSimOptions[];
  /** The hub's data folder (default: one in a new temp folder, removed by stop()). */
  hubDataDir?: string;
}

/** Starts everything; the agent has connected to MQTT and finished its first discovery pass when this returns. */
export async function startWebAccessStack(options: WebAccessStackOptions): Promise<WebAccessStack> {
  const dir = mkdtempSync(join(tmpdir(), "dca-wa-stack-"));
  const sims = await Promise.all(options.sims.map((o) => startWebSimulator(o)));
  const hub = await startHubProcess(options.hubDataDir ?? join(dir, "hub"), 0, ["--web-access-domain", WA_DOMAIN, ...(options.hubArgs ?? [])]);
  const agentDir = join(dir, "agent");
  let agent: AgentProcess | undefined;
  const stop = async () => {
    await agent?.stop();
    await hub.stop();
    await Promise.all(sims.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await hub.must("site", "create", WA_SITE);
    await hub.must("site", "set-targets", WA_SITE, ...sims.map((s) => s.host));
    // Nothing but the nudge makes the agent act within the test: polls and reads are far apart.
    await hub.must("site", "set-schedule", WA_SITE, "--poll", "300s", "--discovery", "24h", "--read", "24h");
    await hub.must("site", "set-web-access", WA_SITE, "--ports", sims.flatMap((s) => [s.httpPort, s.httpsPort]).join(","));
    const code = JSON.parse(await hub.must("code", "create", WA_SITE, "--json")).code;
    const activated = await activateAgent(hub, agentDir, code);
    if (activated.exitCode !== 0) throw new Error(`dca activate failed (${activated.exitCode}): ${activated.stderr}`);
    const runAgent = async () => {
      agent = startAgentProcess(agentDir);
      await agent.waitForLog(/wake-ups: connected/, 30_000);
    };
    await runAgent();
    await agent!.waitForLog(/discovery done/, 30_000);
    const caPem = readFileSync(hub.caPath, "utf8");
    const lookup = loopbackLookup();
    return {
      hub,
      get agent() {
        return agent!;
      },
      sims,
      caPem,
      async open(address, port, ...extra) {
        const r = await hub.admin("web-access", "open", address, "--site", WA_SITE, "--port", String(port), "--json", ...extra);
        if (r.exitCode !== 0) throw new Error(`web-access open failed (${r.exitCode}): ${r.stderr}${r.stdout}`);
        return JSON.parse(r.stdout) as OpenedSession;
      },
      request(url, o = {}) {
        const target = new URL(url);
        return new Promise((resolve, reject) => {
          const req = https.request(
            { host: target.hostname, port: target.port, path: o.path ?? `${target.pathname}${target.search}`, method: o.method ?? "GET", headers: { host: target.host, ...o.headers }, ca: caPem, lookup, agent: false, timeout: 30_000 },
            (res) => {
              const chunks: Buffer[] = [];
              res.on("data", (c: Buffer) => chunks.push(c));
              res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
              res.on("error", reject);
            },
          );
          req.on("timeout", () => req.destroy(new Error(`${url}: no answer within 30 s`)));
          req.on("error", reject);
          req.end(o.body);
        });
      },
      restartAgent: runAgent,
      stop,
    };
  } catch (e) {
    if (agent) console.error(`agent log:\n${agent.log().slice(-3000)}`);
    console.error(`hub log:\n${hub.log().slice(-3000)}`);
    await stop();
    throw e;
  }
}
