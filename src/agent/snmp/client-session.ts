/**
 * An SnmpSession for one v1/v2c device over the shared-socket SnmpClient:
 * what readDevice uses for community credentials (net-snmp stays for v3).
 * It behaves as the net-snmp session does where the walk and the reader
 * rely on it: SNMPv1's all-or-nothing GET is asked again one OID at a time,
 * error-status comes back as an SnmpError carrying `status`, tooBig is
 * `resource-exhausted`, a response that does not decode is `malformed`.
 */
import { Tag } from "../../common/ber.ts";
import type { CommunityCredential } from "../../common/credential.ts";
import { type Pdu, PduType, type VarBind } from "./message.ts";
import { type SessionTarget, SnmpError, type SnmpSession } from "./session.ts";
import type { ClientRequest, ClientTarget, SnmpClient } from "./snmp-client.ts";
import { resolveTarget } from "./resolve-target.ts";
import { walkSubtree } from "./walk.ts";

/** RFC 3416 error-status names, as net-snmp words them. */
const STATUS_NAMES = ["NoError", "TooBig", "NoSuchName", "BadValue", "ReadOnly", "GeneralError"];
const TOO_BIG = 1;
const NO_SUCH_NAME = 2;

/** An SnmpError for a non-zero error-status; `status` is kept for the walk's v1 end-of-MIB check. */
function statusError(status: number): SnmpError {
  const name = STATUS_NAMES[status] ?? `error-status ${status}`;
  const e = new SnmpError(status === TOO_BIG ? "resource-exhausted" : "unavailable", name);
  return Object.assign(e, { status });
}

/** Opens a session for one device with one community credential. */
export function createClientSession(client: SnmpClient, target: SessionTarget, cred: CommunityCredential): SnmpSession {
  const version = cred.version === "v1" ? 0 : 1;
  const community = new TextEncoder().encode(cred.community.reveal());
  let where: Promise<ClientTarget> | undefined;
  let closed = false;
  let requests = 0;

  const call = async (type: ClientRequest["type"], oids: readonly string[], nonRepeaters = 0, maxRepetitions = 0): Promise<Pdu> => {
    if (closed) throw new SnmpError("canceled", "session is closed");
    requests++;
    where ??= resolveTarget(target);
    return client.request(await where, { version, community, type, oids, nonRepeaters, maxRepetitions });
  };

  const session: SnmpSession = {
    version: version === 0 ? 1 : 2,
    get requestCount() {
      return requests;
    },
    async get(oids) {
      if (oids.length === 0) return [];
      const pdu = await call(PduType.Get, oids);
      if (pdu.errorStatus === 0) return pdu.varbinds;
      if (pdu.errorStatus !== NO_SUCH_NAME) throw statusError(pdu.errorStatus);
      // v1 fails the whole GET with noSuchName when one object is missing: ask one by one.
      if (oids.length === 1) return [{ oid: oids[0]!, tag: Tag.NoSuchObject, value: null }];
      const out: VarBind[] = [];
      for (const oid of oids) out.push(...(await session.get([oid])));
      return out;
    },
    async getNext(oids) {
      const pdu = await call(PduType.GetNext, oids);
      if (pdu.errorStatus !== 0) throw statusError(pdu.errorStatus);
      return pdu.varbinds;
    },
    async getBulk(oids, nonRepeaters, maxRepetitions) {
      if (version === 0) throw new SnmpError("invalid-argument", "GETBULK needs SNMPv2c");
      const pdu = await call(PduType.GetBulk, oids, nonRepeaters, maxRepetitions);
      if (pdu.errorStatus !== 0) throw statusError(pdu.errorStatus);
      return pdu.varbinds;
    },
    walk(root, options) {
      return walkSubtree(session, root, options);
    },
    close() {
      closed = true;
    },
  };
  return session;
}
