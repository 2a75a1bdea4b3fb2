/**
 * A fake of the hub boundary (ServiceHubClient) for the run loop's unit
 * tests: it records each call with the manual clock's time, answers through
 * handlers a test replaces (to fail, or to hold a call on a promise the
 * test controls), and, like the Connect client, rejects with Code.Canceled
 * as soon as the call's signal is aborted. Store-side behaviour (idempotent
 * upload by id, tasks, configs) is the real hub's and tested there.
 */
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  type PollRequest,
  PollRequestSchema,
  type PollResponse,
  PollResponseSchema,
  type ReportTaskResultRequest,
  ReportTaskResultRequestSchema,
  ReportTaskResultResponseSchema,
  type UploadReadingsRequest,
  UploadReadingsRequestSchema,
  type UploadReadingsResponse,
  UploadReadingsResponseSchema,
} from "../../../gen/dca/v1/agent_service_pb.ts";
import type { Clock } from "../../../common/clock.ts";
import type { HubCallOptions, ServiceHubClient } from "../hub-client.ts";

/** A promise and the hands that settle it. */
export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(e: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** The hub's answer to a poll, defaulting to "poll again in 60 s". */
export const pollAnswer = (init: Parameters<typeof create<typeof PollResponseSchema>>[1] = {}) =>
  create(PollResponseSchema, { nextPollSeconds: 60, ...init });

/** What the network says when the hub is down. */
export const unavailable = () => new ConnectError("connect ECONNREFUSED 127.0.0.1:1", Code.Unavailable);

export interface FakeHub extends ServiceHubClient {
  /** Every call as it arrived, with the clock's time (failed and cancelled ones too). */
  polls: { at: number; req: PollRequest }[];
  uploads: { at: number; req: UploadReadingsRequest }[];
  reports: { at: number; req: ReportTaskResultRequest }[];
  /** Readings the hub acknowledged, in the order it did. */
  received: UploadReadingsRequest["readings"];
  /** Task results the hub took. */
  taken: ReportTaskResultRequest[];
  onPoll: (req: PollRequest, n: number) => PollResponse | Promise<PollResponse>;
  onUpload: (req: UploadReadingsRequest, n: number) => UploadReadingsResponse | Promise<UploadReadingsResponse>;
  onReport: (req: ReportTaskResultRequest, n: number) => void | Promise<void>;
  /** Calls under way. */
  inFlight(): number;
}

export function createFakeHub(clock: Clock): FakeHub {
  let inFlight = 0;
  /** Runs `answer`, or rejects with Canceled when `signal` is aborted first. */
  async function call<T>(options: HubCallOptions | undefined, answer: () => T | Promise<T>): Promise<T> {
    const signal = options?.signal;
    if (signal?.aborted) throw new ConnectError("the operation was aborted", Code.Canceled);
    inFlight++;
    let onAbort: (() => void) | undefined;
    try {
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(new ConnectError("the operation was aborted", Code.Canceled));
        signal?.addEventListener("abort", onAbort, { once: true });
      });
      return await Promise.race([Promise.resolve().then(answer), aborted]);
    } finally {
      inFlight--;
      if (onAbort) signal?.removeEventListener("abort", onAbort);
    }
  }
  const hub: FakeHub = {
    polls: [],
    uploads: [],
    reports: [],
    received: [],
    taken: [],
    onPoll: () => pollAnswer(),
    onUpload: (req) => create(UploadReadingsResponseSchema, { acknowledgedIds: req.readings.map((r) => r.id) }),
    onReport: () => {},
    poll(init, options) {
      const req = create(PollRequestSchema, init);
      hub.polls.push({ at: clock.now(), req });
      const n = hub.polls.length;
      return call(options, () => hub.onPoll(req, n));
    },
    uploadReadings(init, options) {
      const req = create(UploadReadingsRequestSchema, init);
      hub.uploads.push({ at: clock.now(), req });
      const n = hub.uploads.length;
      return call(options, async () => {
        const r = await hub.onUpload(req, n);
        const acked = new Set(r.acknowledgedIds);
        hub.received.push(...req.readings.filter((x) => acked.has(x.id)));
        return r;
      });
    },
    reportTaskResult(init, options) {
      const req = create(ReportTaskResultRequestSchema, init);
      hub.reports.push({ at: clock.now(), req });
      const n = hub.reports.length;
      return call(options, async () => {
        await hub.onReport(req, n);
        hub.taken.push(req);
        return create(ReportTaskResultResponseSchema, {});
      });
    },
    inFlight: () => inFlight,
  };
  return hub;
}
