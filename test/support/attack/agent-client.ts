/**
 * An agent's credential in a test's hands: activates a new agent with a real
 * `dca activate` process and returns a client over the agent's own
 * transport holding its credential, as someone who copied identity.json
 * off the agent's PC would have it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { AgentService } from "../../../src/gen/dca/v1/agent_service_pb.ts";
import { createHubTransport } from "../../../src/agent/transport/index.ts";
import { type HubProcess, activateAgent } from "../service-peers.ts";

export type AgentClient = ReturnType<typeof createClient<typeof AgentService>>;

export interface ActivatedAgent {
  agentId: string;
  /** `Bearer <agent id>.<secret>`. */
  bearer: string;
  stateDir: string;
  client: AgentClient;
  close(): void;
}

/** A code for `site`, `dca activate` into `stateDir`, and a client with the credential it got. */
export async function activateClient(hub: HubProcess, stateDir: string, site: string): Promise<ActivatedAgent> {
  const code = JSON.parse(await hub.must("code", "create", site, "--json")).code as string;
  const act = await activateAgent(hub, stateDir, code);
  if (act.exitCode !== 0) throw new Error(`activation failed: ${act.stderr}`);
  const id = JSON.parse(readFileSync(join(stateDir, "identity.json"), "utf8")) as { agentId: string; secret: string };
  const bearer = `Bearer ${id.agentId}.${id.secret}`;
  const t = createHubTransport({ hubUrl: hub.url, caPem: readFileSync(hub.caPath, "utf8"), bearer: () => bearer });
  return { agentId: id.agentId, bearer, stateDir, client: createClient(AgentService, t.transport), close: t.close };
}
