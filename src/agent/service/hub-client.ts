/**
 * One-shot calls to the hub (tailscale's direct.go habit): no retry here;
 * the run loop wraps them with backoff.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { type Client, createClient } from "@connectrpc/connect";
import {
  AgentService,
  type PollRequestSchema,
  type PollResponse,
  type ReportTaskResultRequestSchema,
  type ReportTaskResultResponse,
  type UploadReadingsRequestSchema,
  type UploadReadingsResponse,
} from "../../gen/dca/v1/agent_service_pb.ts";
import type { Identity } from "../state/index.ts";
import { createHubTransport } from "../transport/index.ts";

/** Every AgentService call over the hub line, and close() for the connection. */
export type HubClient = Client<typeof AgentService> & { close(): void };

/** Per call: an aborted signal cancels the call (it then fails with Code.Canceled). */
export interface HubCallOptions {
  signal?: AbortSignal;
}

/**
 * The three calls the service makes once activated: the boundary the run
 * loop depends on. A HubClient is one; tests give a fake of the hub
 * (src/agent/service/testdata/fake-hub.ts).
 */
export interface ServiceHubClient {
  poll(req: MessageInitShape<typeof PollRequestSchema>, options?: HubCallOptions): Promise<PollResponse>;
  uploadReadings(req: MessageInitShape<typeof UploadReadingsRequestSchema>, options?: HubCallOptions): Promise<UploadReadingsResponse>;
  reportTaskResult(req: MessageInitShape<typeof ReportTaskResultRequestSchema>, options?: HubCallOptions): Promise<ReportTaskResultResponse>;
}

export interface HubEndpoint {
  hubUrl: string;
  caPem?: string;
  caFingerprint?: string;
  proxyUrl?: string;
}

/** A client for `endpoint`; with an identity, every call carries its credential. */
export function createHubClient(endpoint: HubEndpoint, identity?: Pick<Identity, "agentId" | "secret">, timeoutMs?: number): HubClient {
  const { transport, close } = createHubTransport({
    hubUrl: endpoint.hubUrl,
    caPem: endpoint.caPem,
    caFingerprint: endpoint.caFingerprint,
    proxy: endpoint.proxyUrl ? { url: endpoint.proxyUrl } : undefined,
    bearer: identity ? () => `Bearer ${identity.agentId}.${identity.secret}` : undefined,
    timeoutMs,
  });
  return Object.assign(createClient(AgentService, transport), { close });
}
