/**
 * Uploads, driven through runAgent on the manual clock with a fake hub and
 * a real outbox: in order, in batches within the wire's bounds, retried
 * with backoff that counts apart from the poll's.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { UploadReadingsRequestSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import type { DeviceReading } from "../../gen/dca/v1/reading_pb.ts";
import { Code, ConnectError } from "@connectrpc/connect";
import { sleep } from "../../common/clock.ts";
import { RETRY_AFTER_HEADER } from "../../common/connect-code.ts";
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

  test("a quota refusal with a retry delay holds uploads that long, polls or not, is logged once, and loses or doubles nothing", async () => {
    t = startTestAgent({ uploadBatch: 10, before: (_hub, outbox) => fill(outbox, 25) });
    const { clock, hub, outbox, lines } = t;
    hub.onPoll = () => pollAnswer({ nextPollSeconds: 1 });
    let refusing = true;
    hub.onUpload = (req, n) => {
      // The first batch is taken in part, then the quota is used up for a minute.
      if (n === 1) return { $typeName: "dca.v1.UploadReadingsResponse", acknowledgedIds: req.readings.slice(0, 4).map((r) => r.id) };
      if (refusing) throw new ConnectError("this agent's upload quota is used up (4 readings per hour)", Code.ResourceExhausted, { [RETRY_AFTER_HEADER]: "60000" });
      return { $typeName: "dca.v1.UploadReadingsResponse", acknowledgedIds: req.readings.map((r) => r.id) };
    };
    await advanceUntil(clock, () => hub.uploads.length === 2);
    const refusedAt = hub.uploads[1]!.at;
    await clock.advance(refusedAt + 59_000 - clock.now());
    expect(hub.uploads).toHaveLength(2);
    expect(hub.polls.length).toBeGreaterThan(30);
    expect(outbox.stats().depth).toBe(21);
    refusing = false;
    await advanceUntil(clock, () => outbox.stats().depth === 0);
    expect(hub.uploads[2]!.at - refusedAt).toBeGreaterThanOrEqual(60_000);
    expect(seqs(t)).toEqual(range(25));
    expect(lines.filter((l) => l.startsWith("upload refused"))).toEqual([
      "upload refused: this agent's upload quota is used up (4 readings per hour); 21 readings kept in the outbox; uploads wait 60 s",
    ]);
    expect(lines.filter((l) => l.startsWith("uploads resumed"))).toHaveLength(1);
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
      // About 60 KB, within the reading's bounds (src/common/reading-limits.ts).
      r.console = Array.from({ length: 30 }, () => "c".repeat(1000));
      r.alerts = Array.from({ length: 30 }, (_, i) => ({ ...r.alerts[0]!, index: i, description: "d".repeat(1000) }));
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
