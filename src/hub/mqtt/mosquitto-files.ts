/**
 * The two files an external mosquitto needs to carry the hub's nudges: the
 * password file (one `user:$7$...` line per enabled agent, plus the hub's
 * own user) and the ACL (the hub may publish to every agent's wake topic,
 * each agent may read only its own). Rendering is pure; the admin command
 * writes the result and the operator reloads mosquitto (SIGHUP).
 */
import { cleanText } from "../../common/text.ts";
import { parseMosquittoHash } from "./mosquitto-passwd.ts";
import { DcaError } from "../../common/errors.ts";

/** The user the hub logs in to the broker with unless told otherwise. */
export const DEFAULT_HUB_MQTT_USER = "dca-hub";
/** Every agent's wake topic, as a filter (what the hub publishes to). */
export const WAKE_TOPIC_FILTER = "dca/agents/+/wake";
/** An agent's own wake topic in mosquitto's ACL pattern syntax (%u: the user name, which is the agent id). */
export const WAKE_TOPIC_PATTERN = "dca/agents/%u/wake";
/** Agent ids start with this; password-file lines of such users belong to the hub and are rewritten. */
const AGENT_USER_PREFIX = "agt_";

/**
 * Checks a broker user name for the hub: mosquitto splits password lines at
 * ":" and ACL lines at white space, and `agt_` names belong to agents.
 * Returns the reason it cannot be used, or undefined.
 */
export function hubUserProblem(user: string): string | undefined {
  if (user === "") return "the hub's MQTT user name is empty";
  if (user.length > 64) return "the hub's MQTT user name is longer than 64 characters";
  if (!/^[A-Za-z0-9._@-]+$/.test(user)) return `the hub's MQTT user name "${cleanText(user, 64)}" may hold only letters, digits and . _ @ -`;
  if (user.startsWith(AGENT_USER_PREFIX)) return `the hub's MQTT user name may not start with "${AGENT_USER_PREFIX}" (agent ids do)`;
  return undefined;
}

/** What renderPasswordFile made. */
export interface PasswordFile {
  text: string;
  /** Agents listed. */
  agents: number;
  /** Lines of other users kept from the existing file. */
  kept: number;
  /** Agents left out because their stored hash is not one mosquitto would load. */
  skipped: string[];
}

/**
 * A mosquitto password file: the lines of `existing` that name neither an
 * agent nor the hub user (so users an operator added with mosquitto_passwd
 * survive a rewrite), then the hub user when given, then one line per agent.
 * Agents no longer in `entries` (disabled, replaced) drop out.
 */
export function renderPasswordFile(
  entries: readonly { agentId: string; hash: string }[],
  opts: { existing?: string; hub?: { user: string; hash: string } } = {},
): PasswordFile {
  const lines: string[] = [];
  let kept = 0;
  for (const line of (opts.existing ?? "").split(/\r?\n/)) {
    const user = line.split(":", 1)[0];
    if (line.trim() === "" || user.startsWith(AGENT_USER_PREFIX) || user === opts.hub?.user) continue;
    lines.push(line);
    if (!line.startsWith("#")) kept++;
  }
  if (opts.hub) {
    const problem = hubUserProblem(opts.hub.user);
    if (problem) throw new DcaError("invalid-argument", problem);
    lines.push(`${opts.hub.user}:${opts.hub.hash}`);
  }
  const skipped: string[] = [];
  let agents = 0;
  for (const e of entries) {
    // Ids and hashes are the hub's own, but a damaged row must not break the line structure of the file.
    if (!/^agt_[a-z0-9]+$/.test(e.agentId) || !parseMosquittoHash(e.hash)) {
      skipped.push(e.agentId);
      continue;
    }
    lines.push(`${e.agentId}:${e.hash}`);
    agents++;
  }
  return { text: lines.length === 0 ? "" : `${lines.join("\n")}\n`, agents, kept, skipped };
}

/** The ACL file: the hub user writes every wake topic, every client reads only its own. */
export function renderAclFile(hubUser: string = DEFAULT_HUB_MQTT_USER): string {
  const problem = hubUserProblem(hubUser);
  if (problem) throw new DcaError("invalid-argument", problem);
  return [
    "# Written by `dca-hub mqtt acl-file`. Nudges for dca agents:",
    "# the hub publishes to every agent's wake topic; an agent (user = its id) reads only its own.",
    `user ${hubUser}`,
    `topic write ${WAKE_TOPIC_FILTER}`,
    "",
    `pattern read ${WAKE_TOPIC_PATTERN}`,
    "",
  ].join("\n");
}
