/**
 * One simulated SNMP agent as a pure function of bytes: a datagram in, a
 * response (or nothing) out. Sockets, latency and loss live in the fleet;
 * this is what unit tests drive directly.
 */
import type { Recording } from "../snmprec.ts";
import { createCommunityTable, respondCommunity } from "./community-responder.ts";
import { createPacketWriter } from "./packet-writer.ts";
import { createPduResult, handlePdu } from "./pdu-handler.ts";
import { type HostileMode, type PduHandler, echoingHandler } from "./hostile-modes.ts";
import { readVersion } from "./request-reader.ts";
import { type SimStats, createSimStats } from "./sim-stats.ts";
import type { V3Engine } from "./v3-engine.ts";
import { hostileWalkHandler } from "./hostile.ts";
import { type V3Scratch, respondV3 } from "./v3-responder.ts";
import { DcaError } from "../../../src/common/errors.ts";

/** What one responder serves. */
export interface ResponderOptions {
  /** v1/v2c community (`public`, `public@Context`, ...) to recording. */
  communities: ReadonlyMap<string, Recording>;
  /** v3 contextName (`""` for the default context) to recording. */
  contexts?: ReadonlyMap<string, Recording>;
  /** The v3 engine; without one, v3 requests go unanswered. */
  engine?: V3Engine;
  /** Largest v1/v2c response in octets (default 1472, an Ethernet MTU minus IP/UDP headers). */
  maxResponseSize?: number;
  /** Misbehaviours on top of the recording (./hostile-modes.ts): `echo`, `longer-oids` and `endless` change the answers. */
  hostile?: readonly HostileMode[];
}

/** A simulated agent. */
export interface Responder {
  /**
   * Answers one datagram. The result is a view of a buffer shared by all
   * responders: send it (or copy it) before the next call.
   */
  respond(datagram: Uint8Array): Uint8Array | null;
  readonly stats: SimStats;
  readonly engine?: V3Engine;
}

// One process answers one datagram at a time, so all responders share scratch space.
const writer = createPacketWriter();
const result = createPduResult();
const v3Scratch: V3Scratch = { scoped: createPacketWriter(), message: createPacketWriter(), result };

/** Creates a responder; see {@link ResponderOptions}. */
export function createResponder(options: ResponderOptions): Responder {
  const communities = createCommunityTable(options.communities);
  const contexts = options.contexts ?? new Map<string, Recording>();
  const maxResponseSize = options.maxResponseSize ?? 1472;
  const engine = options.engine;
  const modes = options.hostile ?? [];
  let handle: PduHandler = hostileWalkHandler(modes, handlePdu);
  if (modes.includes("echo")) handle = echoingHandler(handle);
  const stats = createSimStats();
  return {
    stats,
    engine,
    respond(datagram) {
      stats.received++;
      let out: Uint8Array | null;
      try {
        const version = readVersion(datagram);
        if (version === 0 || version === 1) {
          out = respondCommunity(datagram, communities, maxResponseSize, writer, result, stats, handle);
        } else if (version === 3 && engine) {
          out = respondV3(datagram, engine, contexts, v3Scratch, stats, handle);
        } else {
          stats.unsupported++;
          return null;
        }
      } catch (e) {
        if (e instanceof DcaError && e.code === "malformed") {
          stats.malformed++;
        } else {
          // A simulator bug must not take the fleet down; say so once per device.
          if (stats.internalErrors++ === 0) console.error("simulator internal error:", e);
        }
        return null;
      }
      if (out) stats.answered++;
      return out;
    },
  };
}
