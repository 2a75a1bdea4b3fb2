/**
 * How the reader opens a session for a device and credential: community
 * credentials go through the shared-socket client (one socket per family
 * for every device being read), SNMPv3 through net-snmp, which has the USM
 * security our own BER layer does not.
 */
import type { Credential } from "../../common/credential.ts";
import { createClientSession } from "./client-session.ts";
import { createNetSnmpSession } from "./net-snmp-session.ts";
import type { SessionTarget, SnmpSession } from "./session.ts";
import { type SnmpClient, createSnmpClient } from "./snmp-client.ts";

/** Opens a session for one device with one credential. */
export type OpenSession = (target: SessionTarget, cred: Credential) => SnmpSession;

/** An OpenSession that sends v1/v2c through `client` and v3 through net-snmp. */
export function createSessionOpener(client: SnmpClient): OpenSession {
  return (target, cred) => (cred.version === "v3" ? createNetSnmpSession(target, cred) : createClientSession(client, target, cred));
}

/**
 * Runs `fn` with `given`, or with an opener over a client of its own that is
 * closed when `fn` settles: one socket per family for everything `fn` reads.
 */
export async function withSessionOpener<T>(given: OpenSession | undefined, fn: (open: OpenSession) => Promise<T>): Promise<T> {
  if (given) return fn(given);
  const client = createSnmpClient();
  try {
    return await fn(createSessionOpener(client));
  } finally {
    client.close();
  }
}
