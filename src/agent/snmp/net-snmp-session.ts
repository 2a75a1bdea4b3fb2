/**
 * SnmpSession over the net-snmp package: the only file that imports it.
 * Only SNMPv3 needs it now, so it is loaded on the first session (about
 * 11 MB and 20 ms in the compiled binary that most runs never need).
 */
import { Tag, checkOidLength } from "../../common/ber.ts";
import type { Credential } from "../../common/credential.ts";
import type { VarBind } from "./message.ts";
import { type SessionTarget, SnmpError, type SnmpSession, type WalkOptions, type WalkResult } from "./session.ts";
import { walkSubtree } from "./walk.ts";

export type { SessionTarget } from "./session.ts";

// biome-ignore lint: net-snmp has no types
type NetSnmp = any;
let netSnmp: Promise<NetSnmp> | undefined;
const loadNetSnmp = (): Promise<NetSnmp> => (netSnmp ??= import("net-snmp").then((m) => m.default ?? m));

const AUTH = (snmp: NetSnmp): Record<string, number> => ({
  md5: snmp.AuthProtocols.md5,
  sha: snmp.AuthProtocols.sha,
  sha224: snmp.AuthProtocols.sha224,
  sha256: snmp.AuthProtocols.sha256,
  sha384: snmp.AuthProtocols.sha384,
  sha512: snmp.AuthProtocols.sha512,
});
const PRIV = (snmp: NetSnmp): Record<string, number> => ({
  des: snmp.PrivProtocols.des,
  aes128: snmp.PrivProtocols.aes,
  aes256: snmp.PrivProtocols.aes256b,
});

// biome-ignore lint: net-snmp has no types
type RawVarbind = { oid: string; type: number; value: any };

function toVarBind(v: RawVarbind): VarBind {
  const oid = v.oid;
  // net-snmp decodes any length: refuse what our own decoder refuses (a response with it is unreadable).
  checkOidLength(oid);
  switch (v.type) {
    case 1: // Boolean, not used by SNMP agents but net-snmp decodes it
      return { oid, tag: Tag.Integer, value: v.value ? 1 : 0 };
    case Tag.Integer:
    case Tag.Counter32:
    case Tag.Gauge32:
    case Tag.TimeTicks:
      return { oid, tag: v.type, value: Number(v.value) };
    case Tag.Counter64: {
      const b: Uint8Array = v.value;
      let n = 0n;
      for (const x of b) n = (n << 8n) | BigInt(x);
      return { oid, tag: Tag.Counter64, value: BigInt.asUintN(64, n) };
    }
    case Tag.OctetString:
    case Tag.Opaque:
      return { oid, tag: v.type, value: new Uint8Array(v.value ?? []) };
    case Tag.IpAddress:
      return { oid, tag: Tag.IpAddress, value: Uint8Array.from(String(v.value).split(".").map(Number)) };
    case Tag.Oid:
      return { oid, tag: Tag.Oid, value: String(v.value) };
    case Tag.NoSuchObject:
    case Tag.NoSuchInstance:
    case Tag.EndOfMibView:
    case Tag.Null:
      return { oid, tag: v.type, value: null };
    default:
      return { oid, tag: Tag.NoSuchInstance, value: null };
  }
}

/** Opens a session for one device with one credential. */
export function createNetSnmpSession(target: SessionTarget, cred: Credential): SnmpSession {
  const transport = target.host.includes(":") ? "udp6" : "udp4";
  const common = {
    port: target.port,
    retries: target.retries,
    timeout: target.timeoutMs,
    transport,
    backwardsGetNexts: true, // our walk detects loops itself and reports them
    reportOidMismatchErrors: false,
  };
  const version: 1 | 2 | 3 = cred.version === "v3" ? 3 : cred.version === "v1" ? 1 : 2;
  let lastSocketError: string | undefined;
  // biome-ignore lint: net-snmp has no types
  const open = (snmp: NetSnmp): any => {
    // biome-ignore lint: net-snmp has no types
    let raw: any;
    if (cred.version === "v3") {
      const level = cred.priv ? snmp.SecurityLevel.authPriv : cred.auth ? snmp.SecurityLevel.authNoPriv : snmp.SecurityLevel.noAuthNoPriv;
      raw = snmp.createV3Session(
        target.host,
        {
          name: cred.user,
          level,
          authProtocol: cred.auth ? AUTH(snmp)[cred.auth.protocol] : undefined,
          authKey: cred.auth?.password.reveal(),
          privProtocol: cred.priv ? PRIV(snmp)[cred.priv.protocol] : undefined,
          privKey: cred.priv?.password.reveal(),
        },
        { ...common, context: cred.context ?? "" },
      );
    } else {
      raw = snmp.createSession(target.host, cred.community.reveal(), {
        ...common,
        version: cred.version === "v1" ? snmp.Version1 : snmp.Version2c,
      });
    }
    // A malformed datagram makes net-snmp emit "error"; unhandled, that would kill the process.
    raw.on("error", (e: Error) => {
      lastSocketError = e.message;
    });
    return raw;
  };
  // biome-ignore lint: net-snmp has no types
  let raw: any;
  let closed = false;
  let requests = 0;

  const call = async (fn: (raw: NetSnmp, cb: (err: unknown, vbs: unknown) => void) => void): Promise<unknown> => {
    if (closed) throw new SnmpError("canceled", "session is closed");
    requests++;
    const snmp = await loadNetSnmp();
    if (closed) throw new SnmpError("canceled", "session is closed");
    raw ??= open(snmp);
    return new Promise((resolve, reject) => {
      fn(raw, (err, vbs) => {
        if (err) {
          const e = SnmpError.from(err);
          if (e.code === "deadline-exceeded" && lastSocketError) {
            e.message += ` (last datagram was unreadable: ${lastSocketError})`;
          }
          (e as SnmpError & { status?: number }).status = (err as { status?: number }).status;
          reject(e);
        } else resolve(vbs);
      });
    });
  };

  const session: SnmpSession = {
    version,
    get requestCount() {
      return requests;
    },
    async get(oids) {
      if (oids.length === 0) return [];
      try {
        const vbs = (await call((raw, cb) => raw.get([...oids], cb))) as RawVarbind[];
        return vbs.map(toVarBind);
      } catch (e) {
        // v1 fails the whole GET with noSuchName when one object is missing: ask one by one.
        if ((e as { status?: number }).status === 2 && oids.length > 1) {
          const out: VarBind[] = [];
          for (const oid of oids) out.push(...(await session.get([oid])));
          return out;
        }
        if ((e as { status?: number }).status === 2) return [{ oid: oids[0], tag: Tag.NoSuchObject, value: null }];
        throw e;
      }
    },
    async getNext(oids) {
      const vbs = (await call((raw, cb) => raw.getNext([...oids], cb))) as RawVarbind[];
      return vbs.map(toVarBind);
    },
    async getBulk(oids, nonRepeaters, maxRepetitions) {
      const res = (await call((raw, cb) => raw.getBulk([...oids], nonRepeaters, maxRepetitions, cb))) as (
        | RawVarbind
        | RawVarbind[]
      )[];
      const flat: VarBind[] = [];
      for (let i = 0; i < nonRepeaters && i < res.length; i++) flat.push(toVarBind(res[i] as RawVarbind));
      const cols = res.slice(nonRepeaters) as RawVarbind[][];
      const rows = Math.max(0, ...cols.map((c) => c.length));
      for (let r = 0; r < rows; r++) for (const c of cols) if (c[r]) flat.push(toVarBind(c[r]));
      return flat;
    },
    walk(root: string, options?: WalkOptions): Promise<WalkResult> {
      return walkSubtree(session, root, options);
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        raw?.close();
      } catch {
        // already closed by net-snmp after a socket error
      }
    },
  };
  return session;
}
