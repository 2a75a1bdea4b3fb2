/**
 * One attack of issue 11 on a hub, as a process of its own, so that the
 * attacker's work does not slow the bench process that times the honest
 * agent's calls. Started by bench.ts:
 *
 *   bun test/bench/attack/attacker.ts ATTACK --url https://127.0.0.1:P --ca FILE
 *
 * A stolen credential comes in the environment (ATTACK_BEARER), never on the
 * command line. Prints {"started":true} once the attack is up,
 * {"overQuota":<ms since epoch>} when the quota attack is first refused, and
 * on SIGTERM stops and prints {"result":{...counts}} before exiting.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Code, ConnectError } from "@connectrpc/connect";
import { createClient } from "@connectrpc/connect";
import { AgentService } from "../../../src/gen/dca/v1/agent_service_pb.ts";
import { createHubTransport } from "../../../src/agent/transport/index.ts";
import { type GuessCounts, guessActivationCodes, noGuesses } from "../../support/attack/activation-guesser.ts";
import { loopbackAddresses, startIdleFlood } from "../../support/attack/idle-flood.ts";
import { unauthenticatedUploads } from "../../support/attack/unauthenticated-uploads.ts";
import { type ZeroWindowTally, tallyZeroWindow, zeroWindowConnection } from "../../support/attack/zero-window-streams.ts";
import type { RawH2 } from "../../support/raw-h2.ts";
import { loopbackReadings } from "./loopback-readings.ts";

const ATTACKS = ["zero-window", "zero-window-stolen", "big-uploads", "idle-flood", "guessing", "quota"] as const;
type AttackName = (typeof ATTACKS)[number];

const { values: v, positionals } = parseArgs({ options: { url: { type: "string" }, ca: { type: "string" } }, allowPositionals: true, strict: true });
const attack = positionals[0] as AttackName;
if (!ATTACKS.includes(attack) || !v.url || !v.ca) {
  console.error(`usage: bun test/bench/attack/attacker.ts ${ATTACKS.join("|")} --url URL --ca FILE`);
  process.exit(2);
}
const hubUrl = v.url;
const port = Number(new URL(hubUrl).port);
const caPem = readFileSync(v.ca, "utf8");
const bearer = process.env.ATTACK_BEARER;
const stop = new AbortController();
const say = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);

/** 20 addresses, each keeping one zero-window connection of 2,000 Poll streams up: reopened 100 ms after the hub ends it. */
async function zeroWindow(authorization: string | undefined): Promise<ZeroWindowTally> {
  const STREAMS = 2_000;
  const tally = tallyZeroWindow([], STREAMS);
  const slot = async (localAddress: string) => {
    while (!stop.signal.aborted) {
      let c: RawH2;
      try {
        c = await zeroWindowConnection({ port, localAddress, streams: STREAMS, authorization });
      } catch {
        tally.closedWithoutGoaway++;
        await Bun.sleep(100);
        continue;
      }
      await new Promise<void>((resolve) => {
        c.socket.once("close", () => resolve());
        stop.signal.addEventListener("abort", () => resolve(), { once: true });
      });
      tallyZeroWindow([c], STREAMS, tally);
      c.close();
      await Bun.sleep(100);
    }
  };
  const slots = loopbackAddresses(77, 20).map(slot);
  say({ started: true });
  await Promise.all(slots);
  return tally;
}

/** 3 connections at a time, each with 3 UploadReadings streams of 13 MB and no credential, again as soon as answered. */
async function bigUploads(): Promise<Record<string, number>> {
  const counts: Record<string, number> = { calls: 0, slowestAnswerMs: 0 };
  const worker = async (localAddress: string) => {
    while (!stop.signal.aborted) {
      const answers = await unauthenticatedUploads({ hubUrl, port, caPem, connections: 1, streamsEach: 3, bytes: 13 * 1024 * 1024, timeoutMs: 10_000, localAddress });
      for (const a of answers) {
        counts.calls!++;
        counts[`grpc-status ${a.grpcStatus}`] = (counts[`grpc-status ${a.grpcStatus}`] ?? 0) + 1;
        counts.slowestAnswerMs = Math.max(counts.slowestAnswerMs!, Math.round(a.ms));
      }
    }
  };
  const workers = loopbackAddresses(78, 3).map(worker);
  say({ started: true });
  await Promise.all(workers);
  return counts;
}

/** 1,600 idle connections from 100 addresses, half raw TCP, half TLS, each reopened when the hub closes it. */
async function idleFlood(): Promise<Record<string, number>> {
  const flood = startIdleFlood({ port, addresses: loopbackAddresses(79, 100), perAddress: 16, tls: "half" });
  await Bun.sleep(2_000);
  say({ started: true });
  await new Promise((resolve) => stop.signal.addEventListener("abort", resolve, { once: true }));
  const open = flood.size();
  flood.stop();
  return { opened: flood.counts.opened, closedByHub: flood.counts.closedByHub, openAtStop: open };
}

/** Wrong codes with fresh install ids from 20 addresses, as fast as the hub answers. */
async function guessing(): Promise<GuessCounts> {
  const counts = noGuesses();
  const guessers = loopbackAddresses(76, 20).map((localAddress) => guessActivationCodes({ hubUrl, port, caPem, localAddress, stop: stop.signal, counts }));
  say({ started: true });
  await Promise.all(guessers);
  return counts;
}

/** A stolen credential uploads batches of 1,000 new readings back to back; past the quota it keeps sending the refused batch. */
async function quota(): Promise<Record<string, number>> {
  const t = createHubTransport({ hubUrl, caPem, bearer: () => bearer!, timeoutMs: 30_000 });
  const client = createClient(AgentService, t.transport);
  const next = loopbackReadings("stolen", 2_000);
  const counts: Record<string, number> = { uploads: 0, readingsAcknowledged: 0, refusedResourceExhausted: 0, otherErrors: 0 };
  let batch = next(1_000);
  say({ started: true });
  while (!stop.signal.aborted) {
    counts.uploads!++;
    try {
      const r = await client.uploadReadings({ readings: batch });
      counts.readingsAcknowledged! += r.acknowledgedIds.length;
      if (r.acknowledgedIds.length === batch.length) batch = next(1_000);
      else batch = batch.filter((o) => !r.acknowledgedIds.includes(o.id));
    } catch (e) {
      if (ConnectError.from(e).code === Code.ResourceExhausted) {
        if (counts.refusedResourceExhausted === 0) say({ overQuota: Date.now() });
        counts.refusedResourceExhausted!++;
      } else counts.otherErrors!++;
    }
  }
  t.close();
  return counts;
}

process.on("SIGTERM", () => stop.abort());
const run: Record<AttackName, () => Promise<object>> = {
  "zero-window": () => zeroWindow(undefined),
  "zero-window-stolen": () => zeroWindow(bearer),
  "big-uploads": bigUploads,
  "idle-flood": idleFlood,
  guessing,
  quota,
};
say({ result: await run[attack]() });
process.exit(0);
