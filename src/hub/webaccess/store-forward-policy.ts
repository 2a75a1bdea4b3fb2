/**
 * The relay's ForwardPolicy over the hub store: an agent's streamlocal
 * forward request is accepted only for the forward path of one of its own
 * sessions that has neither ended nor expired. Read from the store on each
 * request, so a session opened or closed by an admin command (another
 * process) counts at once.
 */
import type { ForwardPolicy } from "../relay/tunnel-dialer.ts";
import type { WebAccessStore } from "../store/index.ts";

/** A ForwardPolicy backed by the sessions table. */
export function createStoreForwardPolicy(store: Pick<WebAccessStore, "isWebAccessForwardOpen">): ForwardPolicy {
  return {
    allows: (agentId, forwardPath) => agentId !== "" && forwardPath !== "" && store.isWebAccessForwardOpen(agentId, forwardPath),
  };
}
