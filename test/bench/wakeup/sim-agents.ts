/**
 * Many lightweight agents in one process, for the wake-up benchmark. Each
 * one activates for real (Activate over gRPC with its own code and install
 * id), keeps an MQTT connection with the agent's own wake-up client
 * (src/agent/wake: connect, subscribe, coalesce), and when nudged polls
 * with the agent's real gRPC client (src/agent/service/hub-client.ts). A
 * task that Poll returns counts as started at that moment; the agent then
 * reports it done. No SNMP, no outbox: only the path a nudge takes.
 */
import { randomBytes } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { type HubClient, createHubClient } from "../../../src/agent/service/hub-client.ts";
import { type WakeClient, startWakeClient } from "../../../src/agent/wake/index.ts";
import { PollRequestSchema, ReportTaskResultRequestSchema, TaskStatus } from "../../../src/gen/dca/v1/agent_service_pb.ts";

export interface SimAgent {
  id: string;
  /** Polls so far (the first at start, then one per nudge that got through the coalescer). */
  polls: number;
}

export interface SimFleet {
  agents: SimAgent[];
  /** Resolves when every agent has logged in to the broker and subscribed. */
  allConnected(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface SimFleetOptions {
  hubUrl: string;
  caPem: string;
  codes: string[];
  /** Activations go through this proxy (see spread-proxy.ts). */
  activationProxyUrl?: string;
  /** Called when Poll hands an agent a task, with performance.now(). */
  onStarted(taskId: string, agentId: string, at: number): void;
  /** Activations in flight at once. */
  concurrency?: number;
}

export async function startSimFleet(opts: SimFleetOptions): Promise<SimFleet> {
  const agents: SimAgent[] = [];
  const clients: HubClient[] = [];
  const wakes: WakeClient[] = [];
  const errors: string[] = [];
  let connected = 0;
  const connectedWaiters = new Set<() => void>();

  async function startOne(i: number): Promise<void> {
    const activation = createHubClient({ hubUrl: opts.hubUrl, caPem: opts.caPem, proxyUrl: opts.activationProxyUrl });
    let r;
    try {
      r = await activation.activate({
        code: opts.codes[i]!,
        // What `dca activate` sends: 32 lower-case hex characters, one per installation.
        installId: randomBytes(16).toString("hex"),
        hostname: `sim-${i}`,
        agentVersion: "bench",
        platform: "linux-x64",
      });
    } finally {
      activation.close();
    }
    if (!r.mqtt?.urls.length) throw new Error("the hub named no MQTT broker in the activation response (is it running with --no-mqtt?)");
    const agent: SimAgent = { id: r.agentId, polls: 0 };
    agents.push(agent);
    const client = createHubClient({ hubUrl: opts.hubUrl, caPem: opts.caPem }, { agentId: r.agentId, secret: r.secret });
    clients.push(client);
    let configVersion = r.config?.version ?? 0n;
    let polling = false;
    let again = false;

    // As run-agent does: a nudge during a poll means one more poll right after it.
    const poll = async (): Promise<void> => {
      if (polling) {
        again = true;
        return;
      }
      polling = true;
      try {
        do {
          again = false;
          agent.polls++;
          const res = await client.poll(create(PollRequestSchema, { configVersion, agentVersion: "bench", hostname: `sim-${i}` }));
          const at = performance.now();
          if (res.config) configVersion = res.config.version;
          for (const t of res.tasks) {
            opts.onStarted(t.id, agent.id, at);
            void client
              .reportTaskResult(create(ReportTaskResultRequestSchema, { taskId: t.id, status: TaskStatus.DONE, message: "bench", startedAt: timestampNow(), finishedAt: timestampNow() }))
              .catch((e) => errors.push(`report ${t.id}: ${(e as Error).message}`));
          }
        } while (again);
      } catch (e) {
        errors.push(`poll by ${agent.id}: ${(e as Error).message}`);
      } finally {
        polling = false;
      }
    };

    await poll();
    wakes.push(
      startWakeClient({
        settings: { urls: r.mqtt.urls, topic: r.mqtt.topic, username: r.mqtt.username, clientId: r.mqtt.clientId },
        secret: r.secret,
        caPem: opts.caPem,
        wake: () => void poll(),
        pollSeconds: () => 300,
        log: (line) => {
          if (line.startsWith("wake-ups: connected")) {
            connected++;
            for (const w of connectedWaiters) w();
          } else errors.push(`${agent.id}: ${line}`);
        },
      }),
    );
  }

  // A small pool: the hub sees a steady stream of activations, as from many sites.
  const concurrency = opts.concurrency ?? 8;
  let nextIndex = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (nextIndex < opts.codes.length) await startOne(nextIndex++);
    }),
  );

  return {
    agents,
    allConnected: (timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (connected >= agents.length) {
            connectedWaiters.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          connectedWaiters.delete(check);
          reject(new Error(`${connected} of ${agents.length} agents connected to the broker within ${timeoutMs} ms; ${errors.slice(-5).join("; ")}`));
        }, timeoutMs);
        connectedWaiters.add(check);
        check();
      }),
    async close() {
      await Promise.all(wakes.map((w) => w.close()));
      for (const c of clients) c.close();
      if (errors.length) console.error(`simulated agents: ${errors.length} error(s), e.g. ${errors.slice(0, 3).join("; ")}`);
    },
  };
}
