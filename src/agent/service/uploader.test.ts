/**
 * Uploads, driven through runAgent on the manual clock with a fake hub and
 * a real outbox: in order, in batches within the wire's bounds, retried
 * with backoff that counts apart from the poll's.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { UploadReadingsRequestSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import type { DeviceReading } from "../../gen/dca/v1/reading_pb.ts";
import { sleep } from "../../common/clock.ts";
import { MAX_READINGS_PER_UPLOAD, UPLOAD_PAYLOAD_BYTES } from "../../common/wire-limits.ts";
import { sampleReading } from "../outbox/testdata/sample-reading.ts";
import type { Outbox } from "../outbox/index.ts";
import { type TestAgent, advanceUntil, gaps, hubConfig, startTestAgent } from "./testdata/test-agent.ts";
import { deferred, pollAnswer, unavailable } from "./testdata/fake-hub.ts";

let t: TestAgent | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const fill = (outbox: Outbox, n: number, make: (i: number) => DeviceReading = sampleReading) => {
  for (let i = 0; i < n; i += 500) outbox.putMany(Array.from({ length: Math.min(500, n - i) }, (_, j) => ({ reading: make(i + j) })));
};

const seqs = (t: TestAgent) => t.hub.received.map((r) => Number(r.seq));
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe("uploads", () => {
  test("after failures the upload is retried with backoff, and the outbox drains in order", async () => {
    t = startTestAgent({ uploadBatch: 10, random: () => 1, backoffBaseMs: 5_000, backoffCapMs: 60_000, before: (_hub, outbox) => fill(outbox, 25) });
    const { clock, hub, outbox, lines } = t;
    hub.onUpload = (req, n) => {
      if (n <= 2) throw unavailable();
      // Third attempt: the hub takes only the first half of the batch; the rest comes again.
      return { $typeName: "dca.v1.UploadReadingsResponse", acknowledgedIds: req.readings.slice(0, n === 3 ? 5 : undefined).map((r) => r.id) };
    };
    await advanceUntil(clock, () => outbox.stats().depth === 0);
    expect(seqs(t)).toEqual(range(25));
    expect(hub.uploads.every((u) => u.req.readings.length <= 10)).toBe(true);
    expect(gaps(hub.uploads.slice(0, 3))).toEqual([5_000, 10_000]);
    expect(lines.filter((l) => l.startsWith("upload failed:"))).toEqual([
      "upload failed: [unavailable] connect ECONNREFUSED 127.0.0.1:1; 25 readings in the outbox; retrying in 5 s",
      "upload failed: [unavailable] connect ECONNREFUSED 127.0.0.1:1; 25 readings in the outbox; retrying in 10 s",
    ]);
    expect(lines.filter((l) => l.startsWith("uploads resumed"))).toEqual(["uploads resumed after 15 s of failures: 25 readings waiting, 25 sent, 0 left"]);
  });

  test("readings a job stores go up within a second, while the job goes on, not at the next poll", async () => {
    const sweep = deferred();
    t = startTestAgent({
      runners: {
        discovery: async (ctx) => {
          await sleep(ctx.clock, 500);
          for (let i = 0; i < 3; i++) ctx.sink.put(sampleReading(i));
          await sweep.promise;
        },
      },
    });
    const { clock, hub } = t;
    hub.onPoll = (_req, n) => pollAnswer({ config: n === 1 ? hubConfig() : undefined });
    await clock.advance(999);
    expect(t.outbox.stats().depth).toBe(3);
    expect(hub.received).toHaveLength(0);
    await clock.advance(1);
    expect(hub.polls).toHaveLength(1);
    expect(seqs(t)).toEqual(range(3));
    sweep.resolve();
  });

  test("poll and upload failures are counted apart", async () => {
    t = startTestAgent({ random: () => 1, backoffBaseMs: 5_000, backoffCapMs: 60_000, before: (_hub, outbox) => fill(outbox, 3) });
    const { clock, hub } = t;
    hub.onPoll = () => {
      throw unavailable();
    };
    hub.onUpload = () => {
      throw unavailable();
    };
    await advanceUntil(clock, () => hub.polls.length >= 5 && hub.uploads.length >= 5);
    expect(gaps(hub.polls.slice(0, 5))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(gaps(hub.uploads.slice(0, 5))).toEqual([5_000, 10_000, 20_000, 40_000]);
  });

  test("a successful poll ends an upload's backoff: the hub is back", async () => {
    t = startTestAgent({ random: () => 1, backoffBaseMs: 5_000, backoffCapMs: 15 * 60_000, before: (_hub, outbox) => fill(outbox, 3) });
    const { clock, hub } = t;
    hub.onUpload = (req, n) => {
      if (n <= 5) throw unavailable();
      return { $typeName: "dca.v1.UploadReadingsResponse", acknowledgedIds: req.readings.map((r) => r.id) };
    };
    // Uploads at 0, 5, 15, 35 s; the fifth would wait until 75 s and the sixth until 146 s,
    // but the polls at 66 s and 132 s let each go at once.
    await advanceUntil(clock, () => hub.received.length === 3);
    expect(hub.polls.map((p) => p.at - hub.polls[0]!.at)).toEqual([0, 66_000, 132_000]);
    expect(hub.uploads.map((u) => u.at - hub.polls[0]!.at)).toEqual([0, 5_000, 15_000, 35_000, 66_000, 132_000]);
  });

  test("a batch never exceeds the wire's bounds, however big the batch asked for", async () => {
    t = startTestAgent({ uploadBatch: 5_000, before: (_hub, outbox) => fill(outbox, 2_500) });
    await advanceUntil(t.clock, () => t!.outbox.stats().depth === 0);
    expect(t.hub.uploads.map((u) => u.req.readings.length)).toEqual([MAX_READINGS_PER_UPLOAD, MAX_READINGS_PER_UPLOAD, 500]);
    expect(seqs(t)).toEqual(range(2_500));
  });

  test("big readings: a batch stays well under the hub's request size", async () => {
    const big = (n: number) => {
      const r = sampleReading(n);
      r.sysDescr = "d".repeat(60_000);
      return r;
    };
    t = startTestAgent({ before: (_hub, outbox) => fill(outbox, 300, big) });
    await advanceUntil(t.clock, () => t!.outbox.stats().depth === 0);
    const sizes = t.hub.uploads.map((u) => toBinary(UploadReadingsRequestSchema, create(UploadReadingsRequestSchema, u.req)).length);
    expect(t.hub.uploads.length).toBeGreaterThan(3);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(UPLOAD_PAYLOAD_BYTES + 64 * 1024);
    expect(seqs(t)).toEqual(range(300));
  });
});
