/**
 * What OpenSSH's sshd is told when it is the relay (AuthorizedKeysCommand,
 * through `dca-hub relay authorized-keys`): every enabled, current agent's
 * key, each restricted to remote forwarding. sshd_config allows only
 * streamlocal remote forwards for the account (docs/web-access.md); these
 * options hold even if that config is loosened.
 */
import type { AgentAdminStore } from "../store/index.ts";

/**
 * `restrict` turns off every forwarding, the pty, X11, agent forwarding and ~/.ssh/rc;
 * `port-forwarding` turns forwarding back on (sshd_config then allows only streamlocal -R);
 * the command is what a session would run, were one allowed: nothing.
 */
export const AUTHORIZED_KEY_OPTIONS = 'restrict,port-forwarding,command="/bin/false"';

/** The authorized_keys lines of the agents sshd may admit, one per agent, the agent id as comment. */
export function authorizedKeys(store: Pick<AgentAdminStore, "listAgents">): string {
  return store
    .listAgents()
    .filter((a) => !a.disabled && !a.replacedBy && a.sshPublicKey)
    .map((a) => `${AUTHORIZED_KEY_OPTIONS} ${a.sshPublicKey} ${a.id}\n`)
    .join("");
}
