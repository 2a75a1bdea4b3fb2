/**
 * One poll of the hub (tailscale's direct.go habit): the heartbeat out,
 * the hub's answer back, no retry. The poller (./poller.ts) schedules it
 * and backs off when it fails.
 */
import { cutText } from "../../common/text.ts";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import type { PollResponse } from "../../gen/dca/v1/agent_service_pb.ts";
import { TEXT_LIMITS } from "../../common/wire-limits.ts";
import type { HubCallOptions, ServiceHubClient } from "./hub-client.ts";

/** What the agent tells the hub on each poll. */
export interface AgentStatus {
  /** Version of the config in force (0n: none yet). */
  configVersion: bigint;
  outbox: { depth: number; bytes: number; droppedTotal: bigint };
  agentVersion: string;
  hostname: string;
  lastDiscoveryAt?: number;
  lastReadAt?: number;
  /** The last thing that went wrong, in words ("" if nothing). */
  lastError: string;
  knownDevices: number;
  /** Self-update's fields (src/agent/update): the UTC offset, the kept revocation list's serial, the last update's outcome. */
  update?: { utcOffsetMinutes: number; revocationSerial: bigint; updateStatus: string };
  /** The agent's SSH public key (OpenSSH form), for Device Web Access. */
  sshPublicKey?: string;
}

/** Sends one PollRequest built from `status`; throws what the call throws. */
export function pollHub(client: ServiceHubClient, status: AgentStatus, options?: HubCallOptions): Promise<PollResponse> {
  return client.poll(
    {
      configVersion: status.configVersion,
      outboxDepth: BigInt(status.outbox.depth),
      outboxBytes: BigInt(status.outbox.bytes),
      droppedReadings: status.outbox.droppedTotal,
      agentVersion: cutText(status.agentVersion, TEXT_LIMITS.agentVersion),
      hostname: cutText(status.hostname, TEXT_LIMITS.hostname),
      lastDiscovery: status.lastDiscoveryAt ? timestampFromMs(status.lastDiscoveryAt) : undefined,
      lastRead: status.lastReadAt ? timestampFromMs(status.lastReadAt) : undefined,
      lastError: cutText(status.lastError, TEXT_LIMITS.lastError),
      knownDevices: status.knownDevices,
      utcOffsetMinutes: status.update?.utcOffsetMinutes,
      revocationSerial: status.update?.revocationSerial,
      updateStatus: cutText(status.update?.updateStatus ?? "", TEXT_LIMITS.lastError),
      sshPublicKey: status.sshPublicKey,
    },
    options,
  );
}

/** A failed poll in words, for the log and the next poll's last_error; a refused credential says what to do. */
export function describePollFailure(e: unknown): string {
  const err = ConnectError.from(e);
  return err.code === Code.Unauthenticated
    ? "the hub refuses this agent's credential (agent disabled or replaced?); re-activate with: dca activate --force"
    : `poll failed: ${err.message}`;
}
