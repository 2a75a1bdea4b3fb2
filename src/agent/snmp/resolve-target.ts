/**
 * A session target's numeric address, looked up once: both SNMP paths send
 * to it and take replies only from it, so a name must become one address
 * before the first request.
 */
import { lookup } from "node:dns/promises";
import { parseIp } from "../../common/ip-address.ts";
import { type SessionTarget, SnmpError } from "./session.ts";
import type { ClientTarget } from "./snmp-client.ts";

/** The numeric address of a target, looked up once when it is a name. */
export async function resolveTarget(target: SessionTarget): Promise<ClientTarget> {
  const ip = parseIp(target.host);
  if (ip) return { address: target.host, family: ip.family, port: target.port, timeoutMs: target.timeoutMs, retries: target.retries };
  try {
    const found = await lookup(target.host);
    return { address: found.address, family: found.family === 6 ? 6 : 4, port: target.port, timeoutMs: target.timeoutMs, retries: target.retries };
  } catch (e) {
    throw new SnmpError("not-found", `cannot resolve host name "${target.host}" (${(e as { code?: string }).code ?? (e as Error).message})`);
  }
}
