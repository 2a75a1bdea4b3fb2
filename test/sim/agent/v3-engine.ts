/**
 * The simulated device's SNMPv3 engine: its engine ID, boots and time, and
 * its users with keys localized to that engine ID.
 */
import {
  type AuthProtocol,
  type PrivProtocol,
  AUTH_PROTOCOLS,
  PRIV_PROTOCOLS,
  createSaltSource,
  localizeAuthKey,
  localizePrivKey,
} from "../usm.ts";

/** A v3 user as configured (passwords, net-snmp protocol names). */
export interface V3UserConfig {
  name: string;
  authProtocol?: AuthProtocol;
  /** Authentication password. */
  authKey?: string;
  privProtocol?: PrivProtocol;
  /** Privacy password. */
  privKey?: string;
}

/** A user ready for the engine: security level (msgFlags bits) and localized keys. */
export interface V3User {
  name: string;
  /** 0 noAuthNoPriv, 1 authNoPriv, 3 authPriv. */
  level: number;
  auth?: AuthProtocol;
  authKey?: Uint8Array;
  priv?: PrivProtocol;
  privKey?: Uint8Array;
}

/** Counters reported in usmStats and snmpUnknownContexts Reports. */
export interface UsmCounters {
  unsupportedSecLevels: number;
  notInTimeWindows: number;
  unknownUserNames: number;
  unknownEngineIds: number;
  wrongDigests: number;
  decryptionErrors: number;
  unknownContexts: number;
}

/** One authoritative engine. */
export interface V3Engine {
  readonly engineId: Uint8Array;
  readonly boots: number;
  /** snmpEngineTime in seconds. */
  time(): number;
  /** Users by name (latin-1 of the msgUserName octets). */
  readonly users: ReadonlyMap<string, V3User>;
  readonly counters: UsmCounters;
  salt(priv: PrivProtocol): Uint8Array;
}

/** Options of {@link createV3Engine}. */
export interface V3EngineOptions {
  engineId: Uint8Array;
  users: readonly V3UserConfig[];
  /** snmpEngineBoots; default 1. */
  boots?: number;
  /** snmpEngineTime at start, in seconds; default 0. */
  initialTime?: number;
  /** Milliseconds clock, injectable for tests. */
  now?: () => number;
}

function localizeUser(u: V3UserConfig, engineId: Uint8Array): V3User {
  if (u.privProtocol && !u.authProtocol) throw new Error(`v3 user ${u.name}: privacy needs an authentication protocol`);
  if (u.authProtocol && !AUTH_PROTOCOLS[u.authProtocol]) throw new Error(`v3 user ${u.name}: unknown authProtocol ${u.authProtocol}`);
  if (u.privProtocol && !PRIV_PROTOCOLS[u.privProtocol]) throw new Error(`v3 user ${u.name}: unknown privProtocol ${u.privProtocol}`);
  if (!u.authProtocol) return { name: u.name, level: 0 };
  if (!u.authKey) throw new Error(`v3 user ${u.name}: authKey (password) is required`);
  const authKey = localizeAuthKey(u.authProtocol, u.authKey, engineId);
  if (!u.privProtocol) return { name: u.name, level: 1, auth: u.authProtocol, authKey };
  if (!u.privKey) throw new Error(`v3 user ${u.name}: privKey (password) is required`);
  const privKey = localizePrivKey(u.privProtocol, u.authProtocol, u.privKey, engineId);
  return { name: u.name, level: 3, auth: u.authProtocol, authKey, priv: u.privProtocol, privKey };
}

/** Creates an engine and localizes its users' keys (password hashing is cached across engines). */
export function createV3Engine(options: V3EngineOptions): V3Engine {
  const now = options.now ?? (() => performance.now());
  const start = now();
  const initial = options.initialTime ?? 0;
  const boots = options.boots ?? 1;
  const users = new Map<string, V3User>();
  for (const u of options.users) users.set(Buffer.from(u.name, "utf8").toString("latin1"), localizeUser(u, options.engineId));
  return {
    engineId: options.engineId,
    boots,
    time: () => initial + Math.floor((now() - start) / 1000),
    users,
    counters: {
      unsupportedSecLevels: 0,
      notInTimeWindows: 0,
      unknownUserNames: 0,
      unknownEngineIds: 0,
      wrongDigests: 0,
      decryptionErrors: 0,
      unknownContexts: 0,
    },
    salt: createSaltSource(boots),
  };
}

/**
 * A stable engine ID per simulated address (RFC 3411 format 4, text, under
 * the net-snmp enterprise number), so restarts keep the same ID.
 */
export function engineIdFor(address: string, port: number): Uint8Array {
  const text = `sim ${address}:${port}`.slice(0, 27);
  return Uint8Array.from([0x80, 0x00, 0x1f, 0x88, 0x04, ...Buffer.from(text, "latin1")]);
}
