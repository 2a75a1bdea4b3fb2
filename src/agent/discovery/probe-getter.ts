/**
 * The classifier's SnmpGetter over the prober's shared socket: follow-up
 * queries reuse the community and version the device answered the probe
 * with, so no session is opened. SNMPv1's all-or-nothing GET is smoothed
 * over: a noSuchName drops that OID and asks again for the rest.
 */
import { Tag } from "../../common/ber.ts";
import type { Pdu, VarBind } from "../snmp/message.ts";
import type { SnmpGetter } from "./classify.ts";
import type { Prober } from "./prober.ts";
import type { ProbeAnswer } from "./sweep.ts";
import { DcaError } from "../../common/errors.ts";

const NO_SUCH_NAME = 2;

/**
 * A getter for the device behind `answer`, or undefined for a v3 answer
 * (v3 needs credentials the probe does not have). `communities` is the
 * list the prober was created with; answer.community indexes it.
 */
export function createProbeGetter(
  prober: Prober,
  answer: Pick<ProbeAnswer, "address" | "port" | "community" | "version">,
  communities: readonly string[],
): SnmpGetter | undefined {
  if (answer.community === "v3" || answer.version === "v3") return undefined;
  const community = communities[answer.community];
  if (community === undefined) throw new RangeError(`community index ${answer.community} is not in the list`);
  const version = answer.version;

  const ask = async (oids: readonly string[], next: boolean): Promise<VarBind[]> => {
    const out: (VarBind | undefined)[] = new Array(oids.length);
    let pending = oids.map((oid, i) => ({ oid, i }));
    // Each round removes at least one OID, so this ends.
    while (pending.length > 0) {
      const pdu: Pdu = await prober.request(answer.address, answer.port, community, version, pending.map((p) => p.oid), { next });
      if (pdu.errorStatus === NO_SUCH_NAME && version === "v1" && pdu.errorIndex >= 1 && pdu.errorIndex <= pending.length) {
        const gone = pending[pdu.errorIndex - 1];
        out[gone.i] = { oid: gone.oid, tag: next ? Tag.EndOfMibView : Tag.NoSuchObject, value: null };
        pending = pending.filter((p) => p !== gone);
        continue;
      }
      if (pdu.errorStatus !== 0) throw new DcaError("unavailable", `${answer.address}:${answer.port} answered error-status ${pdu.errorStatus}`);
      if (pdu.varbinds.length !== pending.length) {
        throw new DcaError("malformed", `${answer.address}:${answer.port} answered ${pdu.varbinds.length} varbinds for ${pending.length}`);
      }
      pending.forEach((p, k) => (out[p.i] = pdu.varbinds[k]));
      pending = [];
    }
    return out as VarBind[];
  };

  return { get: (oids) => ask(oids, false), next: (oids) => ask(oids, true) };
}
