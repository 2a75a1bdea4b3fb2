/**
 * The one thing MQTT carries for dca: a nudge on an agent's own topic. Its
 * payload names at most the task that caused it and is never acted on; the
 * agent polls over gRPC and takes its tasks from there, so a forged nudge
 * can cause an extra poll and nothing else.
 */

/** The topic an agent listens on; the only topic it may subscribe to. */
export function wakeTopic(agentId: string): string {
  return `dca/agents/${agentId}/wake`;
}

/** Agent ids as the store makes them ("agt_" + 16 base-36 characters); anything else is refused at login. */
export const AGENT_ID_PATTERN = /^agt_[0-9a-z]{16}$/;

/** The payload of a nudge: `{"task":"tsk_..."}`, or `{}` when no task caused it (a config change). */
export function nudgePayload(taskId?: string): Buffer {
  return Buffer.from(JSON.stringify(taskId ? { task: taskId } : {}));
}

/**
 * Largest MQTT packet the broker accepts from a client. An agent only ever
 * sends CONNECT (id, secret), SUBSCRIBE, PINGREQ and DISCONNECT, all far
 * below this; a bigger packet is cut before it is buffered.
 */
export const MAX_CLIENT_PACKET_BYTES = 2048;
