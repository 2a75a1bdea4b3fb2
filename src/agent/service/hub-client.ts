/**
 * One-shot calls to the hub (tailscale's direct.go habit): no retry here;
 * the run loop wraps them with backoff.
 */
import { type Client, createClient } from "@connectrpc/connect";
import { AgentService } from "../../gen/dca/v1/agent_service_pb.ts";
import type { Identity } from "../state/index.ts";
import { createHubTransport } from "../transport/index.ts";

export type HubClient = Client<typeof AgentService> & { close(): void };

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
