/** Device Web Access's SSH relay: the embedded ssh2 relay or OpenSSH's sshd, behind one TunnelDialer. */
import type { AgentAdminStore } from "../store/index.ts";
import type { RelayAgents } from "./embedded-relay.ts";

export { type HubRelay, type HubRelayOptions, startHubRelay } from "./start-hub-relay.ts";
export { type ForwardPolicy, type TunnelDialer, TunnelUnavailableError } from "./tunnel-dialer.ts";
export { RELAY_LIMITS, type RelayLimits } from "./relay-limits.ts";
export { RELAY_WS_PATH } from "./relay-websocket.ts";
export type { RelayAgents } from "./embedded-relay.ts";

/** The relay's view of the store: an agent's key while it is enabled and current. */
export function relayAgentsOf(store: Pick<AgentAdminStore, "getAgent">): RelayAgents {
  return {
    registeredKey(agentId) {
      const a = store.getAgent(agentId);
      return a && !a.disabled && !a.replacedBy && a.sshPublicKey ? a.sshPublicKey : undefined;
    },
  };
}
