/**
 * Which probes a target gets in each round (the first send is round 0, each
 * retry one more). A silent address costs what it is sent, and a sweep's
 * pace is its packet rate, so the versions take turns: round 0 asks v2c,
 * round 1 asks v1, and so on. A v2c agent (nearly every printer, which also
 * answers v1) is found by round 0; an old v1-only printer answers round 1;
 * a silent address costs one packet per round instead of one per version.
 * With fewer rounds than versions (retries 0), every round asks every
 * version, or a version would never be asked.
 */
import { PduType } from "../snmp/message.ts";
import { type Reply, sameBytes } from "./probe-packets.ts";

/** SNMP versions a probe may use. */
export type ProbeVersion = "v1" | "v2c" | "v3";

/** One way of asking a target: a version and a community (or v3 discovery). */
export interface Attempt {
  version: ProbeVersion;
  community: number | "v3";
  communityBytes?: Uint8Array;
  /** Encodes the probe for a request id, into `into` when given and large enough (no allocation). */
  build(id: number, into?: Uint8Array): Uint8Array;
}

/** The probes of each round, for rounds 0 to retries. */
export function probeRounds(attempts: readonly Attempt[], retries: number): Attempt[][] {
  const versions: ProbeVersion[] = [];
  for (const a of attempts) if (!versions.includes(a.version)) versions.push(a.version);
  const rounds = retries + 1;
  const out: Attempt[][] = [];
  for (let r = 0; r < rounds; r++) {
    out.push(rounds < versions.length ? [...attempts] : attempts.filter((a) => a.version === versions[r % versions.length]));
  }
  return out;
}

/**
 * The attempt a reply answers, whatever round it came from (a slow agent's
 * answer to round 0 that arrives after round 1 was sent still counts), or
 * undefined when it answers none (wrong version, community or PDU type).
 */
export function attemptFor(attempts: readonly Attempt[], reply: Reply): Attempt | undefined {
  for (const a of attempts) {
    if (a.version === "v3") {
      if (reply.kind === "v3" && reply.engineId.length > 0 && (reply.pdu === null || reply.pdu.type === PduType.Report)) return a;
    } else if (
      reply.kind === "community" &&
      reply.version === (a.version === "v1" ? 0 : 1) &&
      sameBytes(reply.community, a.communityBytes!) &&
      reply.pdu.type === PduType.Response
    ) {
      return a;
    }
  }
  return undefined;
}
