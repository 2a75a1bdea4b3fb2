/**
 * Promise wrappers over the net-snmp npm client, the peer the simulator
 * must satisfy (the agent reads devices with it). Test support only.
 */
import snmp from "net-snmp";
import { type AuthProtocol, NET_SNMP_PRIV, type PrivProtocol } from "./usm.ts";

/** A varbind as net-snmp reports it. */
export interface ClientVarbind {
  oid: string;
  type: number;
  value: unknown;
}

/** The calls the tests make, as promises. */
export interface Client {
  get(oids: string[]): Promise<ClientVarbind[]>;
  getNext(oids: string[]): Promise<ClientVarbind[]>;
  /** net-snmp hands back the non-repeaters flat and each repeated column as an array. */
  getBulk(oids: string[], nonRepeaters: number, maxRepetitions: number): Promise<BulkResult>;
  /** net-snmp's walk: GetBulk (v2c/v3) or GetNext (v1) until the end of the MIB view. */
  walk(oid: string, maxRepetitions?: number): Promise<ClientVarbind[]>;
  subtree(oid: string, maxRepetitions?: number): Promise<ClientVarbind[]>;
  close(): void;
}

/** A GETBULK answer split the way net-snmp splits it. */
export interface BulkResult {
  nonRepeaters: ClientVarbind[];
  columns: ClientVarbind[][];
}

/** Session options shared by both constructors. */
export interface ClientOptions {
  port: number;
  version?: "1" | "2c";
  timeoutMs?: number;
  retries?: number;
  /** v3 contextName. */
  context?: string;
}

/** A v3 user in our protocol names; converted to net-snmp's constants. */
export interface ClientUser {
  name: string;
  authProtocol?: AuthProtocol;
  authKey?: string;
  privProtocol?: PrivProtocol;
  privKey?: string;
}

function wrap(session: any): Client {
  const call = (fn: (cb: (err: Error | null, vbs: ClientVarbind[]) => void) => void) =>
    new Promise<ClientVarbind[]>((resolve, reject) => fn((err, vbs) => (err ? reject(err) : resolve(vbs))));
  const collect = (method: "walk" | "subtree", oid: string, maxRepetitions: number) =>
    new Promise<ClientVarbind[]>((resolve, reject) => {
      const all: ClientVarbind[] = [];
      session[method](
        oid,
        maxRepetitions,
        (vbs: ClientVarbind[]) => {
          for (const vb of vbs) {
            if (snmp.isVarbindError(vb)) return reject(new Error(snmp.varbindError(vb)));
            all.push(vb);
          }
        },
        (err: Error | null) => (err ? reject(err) : resolve(all)),
      );
    });
  return {
    get: (oids) => call((cb) => session.get(oids, cb)),
    getNext: (oids) => call((cb) => session.getNext(oids, cb)),
    getBulk: async (oids, n, m) => {
      const vbs = (await call((cb) => session.getBulk(oids, n, m, cb))) as unknown[];
      return { nonRepeaters: vbs.slice(0, n) as ClientVarbind[], columns: vbs.slice(n) as ClientVarbind[][] };
    },
    walk: (oid, m = 20) => collect("walk", oid, m),
    subtree: (oid, m = 20) => collect("subtree", oid, m),
    close: () => session.close(),
  };
}

function transportFor(address: string): string {
  return address.includes(":") ? "udp6" : "udp4";
}

/** A v1 or v2c session. */
export function communityClient(address: string, community: string, o: ClientOptions): Client {
  return wrap(
    snmp.createSession(address, community, {
      port: o.port,
      version: o.version === "1" ? snmp.Version1 : snmp.Version2c,
      timeout: o.timeoutMs ?? 2000,
      retries: o.retries ?? 0,
      transport: transportFor(address),
    }),
  );
}

/** A v3 session. */
export function v3Client(address: string, user: ClientUser, o: ClientOptions): Client {
  const level = user.privProtocol ? snmp.SecurityLevel.authPriv : user.authProtocol ? snmp.SecurityLevel.authNoPriv : snmp.SecurityLevel.noAuthNoPriv;
  return wrap(
    snmp.createV3Session(
      address,
      {
        name: user.name,
        level,
        authProtocol: user.authProtocol ? snmp.AuthProtocols[user.authProtocol] : undefined,
        authKey: user.authKey,
        privProtocol: user.privProtocol ? snmp.PrivProtocols[NET_SNMP_PRIV[user.privProtocol]] : undefined,
        privKey: user.privKey,
      },
      {
        port: o.port,
        version: snmp.Version3,
        timeout: o.timeoutMs ?? 2000,
        retries: o.retries ?? 0,
        transport: transportFor(address),
        context: o.context ?? "",
      },
    ),
  );
}

/** The recording's text values as net-snmp hands them back, for comparisons. */
export function valueText(vb: ClientVarbind): string {
  return Buffer.isBuffer(vb.value) ? vb.value.toString("latin1") : String(vb.value);
}
