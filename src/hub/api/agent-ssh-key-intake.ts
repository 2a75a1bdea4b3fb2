/**
 * The SSH key an agent sends with each poll (an agent activated before
 * Device Web Access registers its key so), and the relay settings its
 * web-access tasks get at hand-out. The first key an agent registers is its
 * key: a different one later is refused and logged once per agent and hub
 * run (`dca-hub agent reset-ssh-key` lets the next one in).
 */
import type { Task } from "../../gen/dca/v1/agent_service_pb.ts";
import type { Agent, AgentApiStore } from "../store/index.ts";
import { fingerprintOf, parseAgentSshKey } from "../relay/agent-ssh-key.ts";

/** Fills `task.relay` (and, for OpenSSH's sshd, the socket path) of a web-access task being handed to `agentId`. */
export interface TaskRelay {
  /** `requestUrl`: the URL the agent called the hub with (the host name it knows the hub by). */
  fill(task: Task, agentId: string, requestUrl: string): void;
}

/** Registers `sent` for `agent` when it has no key yet; `noted` holds agents already logged about. */
export function registerAgentSshKey(
  store: Pick<AgentApiStore, "registerSshKey">,
  agent: Agent,
  sent: string,
  noted: Set<string>,
  log: (line: string) => void,
): void {
  if (sent === "") return;
  const once = (line: string) => {
    if (noted.has(agent.id)) return;
    noted.add(agent.id);
    log(line);
  };
  const key = parseAgentSshKey(sent);
  if ("error" in key) return once(`agent ${agent.id}: its SSH key ${key.error}; ignored (Device Web Access needs a valid key)`);
  if (key.canonical === agent.sshPublicKey) return;
  if (store.registerSshKey(agent.id, key.canonical) === "registered") {
    log(`agent ${agent.id}: SSH key ${key.fingerprint} registered`);
    return;
  }
  once(
    `agent ${agent.id} sent SSH key ${key.fingerprint}, not its registered ${fingerprintOf(agent.sshPublicKey)}; kept the registered one. ` +
      `If the agent lost its key, run "dca-hub agent reset-ssh-key ${agent.id}"`,
  );
}
