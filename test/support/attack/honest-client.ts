/**
 * The well-behaved agent seen from outside, for the tests and the bench that
 * attack the hub: a client with an agent's credential over the agent's own
 * transport (src/agent/transport), polling one call after another and, if
 * asked, uploading a few readings now and then, timing every call.
 */
import { createClient } from "@connectrpc/connect";
import type { OutboxReading } from "../../../src/gen/dca/v1/agent_service_pb.ts";
import { AgentService } from "../../../src/gen/dca/v1/agent_service_pb.ts";
import { createHubTransport } from "../../../src/agent/transport/index.ts";

/** One timed call: when it started (Date.now()), how long it took, and why it failed if it did. */
export interface TimedCall {
  at: number;
  ms: number;
  error?: string;
}

export interface HonestCalls {
  polls: TimedCall[];
  uploads: TimedCall[];
}

export interface HonestClientOptions {
  hubUrl: string;
  caPem: string;
  /** `Bearer <agent id>.<secret>`. */
  bearer: string;
  /** How long to keep calling. */
  ms: number;
  /** Pause after each poll (the tests use 50 ms, the bench 100 ms). */
  gapMs: number;
  /** A call slower than this fails (the agent itself gives up after 30 s). */
  timeoutMs?: number;
  /** Also upload `uploads.next()` after every `uploads.every`-th poll. */
  uploads?: { every: number; next: () => OutboxReading[] };
  /** Stop early. */
  signal?: AbortSignal;
}

async function timed(calls: TimedCall[], call: () => Promise<unknown>): Promise<void> {
  const at = Date.now();
  const t0 = performance.now();
  try {
    await call();
    calls.push({ at, ms: performance.now() - t0 });
  } catch (e) {
    calls.push({ at, ms: performance.now() - t0, error: (e as Error).message });
  }
}

/** Polls (and uploads) with the agent's credential for `ms`; every call, timed. */
export async function honestCalls(opts: HonestClientOptions): Promise<HonestCalls> {
  const t = createHubTransport({ hubUrl: opts.hubUrl, caPem: opts.caPem, bearer: () => opts.bearer, timeoutMs: opts.timeoutMs ?? 5_000 });
  const client = createClient(AgentService, t.transport);
  const out: HonestCalls = { polls: [], uploads: [] };
  const end = Date.now() + opts.ms;
  try {
    for (let i = 1; Date.now() < end && !opts.signal?.aborted; i++) {
      await timed(out.polls, () => client.poll({ agentVersion: "honest" }));
      if (opts.uploads && i % opts.uploads.every === 0) {
        const readings = opts.uploads.next();
        await timed(out.uploads, () => client.uploadReadings({ readings }));
      }
      await Bun.sleep(opts.gapMs);
    }
  } finally {
    t.close();
  }
  return out;
}

/** The q-quantile (0..1) of the successful calls' latencies, NaN if none succeeded. */
export function quantile(calls: readonly TimedCall[], q: number): number {
  const sorted = calls.filter((c) => !c.error).map((c) => c.ms).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** The failures' messages. */
export const failuresOf = (calls: readonly TimedCall[]): string[] => calls.flatMap((c) => (c.error ? [c.error] : []));
