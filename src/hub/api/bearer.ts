/**
 * The agent's bearer credential, "Bearer <agent id>.<secret>", checked in
 * one place: by the front door before a request body is read, and by the
 * service for the agent a call acts for.
 */
import { createContextKey } from "@connectrpc/connect";
import type { Agent, AgentApiStore } from "../store/index.ts";

const BEARER = /^Bearer ([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{16,128})$/;

/** The agent the front door authenticated for this call (undefined: not checked there). */
export const AUTHENTICATED_AGENT = createContextKey<Agent | undefined>(undefined);

/** What an agent is told when its credential is missing or not valid. */
export const UNAUTHENTICATED_MESSAGE = "agent credential missing or not valid";

/** The agent an `authorization` header names with its valid secret, else undefined. */
export function agentFromAuthorization(store: AgentApiStore, header: string | null | undefined): Agent | undefined {
  const m = BEARER.exec(header ?? "");
  return m ? store.authenticateAgent(m[1]!, m[2]!) : undefined;
}
