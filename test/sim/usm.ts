/**
 * SNMPv3 User-based Security Model (RFC 3414) primitives: key derivation,
 * message authentication and scoped-PDU privacy, for the fleet simulator
 * (the authoritative engine). Protocols are spelt as everywhere in dca
 * (src/common/credential.ts); key extensions match the net-snmp npm package,
 * the client the agent reads devices with (checked in usm.test.ts).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from "node:crypto";
import type { AuthProtocol, PrivProtocol as AgentPrivProtocol } from "../../src/common/credential.ts";
import { DcaError } from "../../src/common/errors.ts";

export type { AuthProtocol };


/**
 * Privacy protocols: the agent's (DES-CBC, RFC 3414 8.1; AES-128-CFB, RFC 3826;
 * AES-256-CFB with Blumenthal's key extension, what net-snmp and Cisco call
 * AES-256) and, for the simulator only, `aes256c`: AES-256-CFB with Reeder's
 * key extension (Net-SNMP's AES-256-C), which the agent does not speak.
 */
export type PrivProtocol = AgentPrivProtocol | "aes256c";

/** Hash, localized key length and truncated digest length of each authentication protocol (HMAC-MD5-96, HMAC-SHA-96: RFC 3414; HMAC-SHA-2: RFC 7860). */
export const AUTH_PROTOCOLS: Readonly<Record<AuthProtocol, { hash: string; keyLength: number; digestLength: number }>> = {
  md5: { hash: "md5", keyLength: 16, digestLength: 12 },
  sha: { hash: "sha1", keyLength: 20, digestLength: 12 },
  sha224: { hash: "sha224", keyLength: 28, digestLength: 16 },
  sha256: { hash: "sha256", keyLength: 32, digestLength: 24 },
  sha384: { hash: "sha384", keyLength: 48, digestLength: 32 },
  sha512: { hash: "sha512", keyLength: 64, digestLength: 48 },
};

/** Cipher and key length of each privacy protocol (DES keys carry the pre-IV in bytes 8-15). */
export const PRIV_PROTOCOLS: Readonly<Record<PrivProtocol, { cipher: string; keyLength: number }>> = {
  des: { cipher: "des-cbc", keyLength: 16 },
  aes128: { cipher: "aes-128-cfb", keyLength: 16 },
  aes256: { cipher: "aes-256-cfb", keyLength: 32 },
  aes256c: { cipher: "aes-256-cfb", keyLength: 32 },
};

/** usmStats counters (RFC 3414 section 5), reported when a message fails the security checks. */
export const UsmStatsOid = {
  unsupportedSecLevels: "1.3.6.1.6.3.15.1.1.1.0",
  notInTimeWindows: "1.3.6.1.6.3.15.1.1.2.0",
  unknownUserNames: "1.3.6.1.6.3.15.1.1.3.0",
  unknownEngineIds: "1.3.6.1.6.3.15.1.1.4.0",
  wrongDigests: "1.3.6.1.6.3.15.1.1.5.0",
  decryptionErrors: "1.3.6.1.6.3.15.1.1.6.0",
} as const;

/** The time window of RFC 3414 section 3.2 step 7b, in seconds. */
export const TIME_WINDOW_SECONDS = 150;

const kuCache = new Map<string, Uint8Array>();

/**
 * Password to key (RFC 3414 A.2): hash 1 MiB of the repeated password.
 * Cached, because a fleet shares a few passwords across many engines and
 * each derivation hashes a megabyte.
 */
export function passwordToKey(auth: AuthProtocol, password: string | Uint8Array): Uint8Array {
  const pw = typeof password === "string" ? Buffer.from(password, "utf8") : Buffer.from(password);
  if (pw.length === 0) throw new DcaError("invalid-argument", "an empty password cannot be turned into a key");
  const cacheKey = `${auth}:${pw.toString("hex")}`;
  let ku = kuCache.get(cacheKey);
  if (!ku) {
    ku = new Uint8Array(createHash(AUTH_PROTOCOLS[auth].hash).update(Buffer.alloc(1048576, pw)).digest());
    kuCache.set(cacheKey, ku);
  }
  return ku;
}

/** Key localization (RFC 3414 A.2): Kul = H(Ku || engineID || Ku). */
export function localizeKey(auth: AuthProtocol, ku: Uint8Array, engineId: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(AUTH_PROTOCOLS[auth].hash).update(ku).update(engineId).update(ku).digest());
}

/** The localized authentication key of a user for one engine. */
export function localizeAuthKey(auth: AuthProtocol, password: string | Uint8Array, engineId: Uint8Array): Uint8Array {
  return localizeKey(auth, passwordToKey(auth, password), engineId);
}

/**
 * The localized privacy key, as long as the cipher needs. A short hash is
 * extended the way net-snmp does: Blumenthal appends H(Kul), Reeder
 * appends the key localized from Kul used as a password.
 */
export function localizePrivKey(
  priv: PrivProtocol,
  auth: AuthProtocol,
  password: string | Uint8Array,
  engineId: Uint8Array,
): Uint8Array {
  const need = PRIV_PROTOCOLS[priv].keyLength;
  const kul = localizeAuthKey(auth, password, engineId);
  let key = kul;
  while (key.length < need) {
    const last = key.subarray(key.length - kul.length);
    const more =
      priv === "aes256c"
        ? localizeAuthKey(auth, last, engineId)
        : new Uint8Array(createHash(AUTH_PROTOCOLS[auth].hash).update(key).digest());
    const next = new Uint8Array(key.length + more.length);
    next.set(key);
    next.set(more, key.length);
    key = next;
  }
  return key.slice(0, need);
}

/** Length of msgAuthenticationParameters for a protocol. */
export function authDigestLength(auth: AuthProtocol): number {
  return AUTH_PROTOCOLS[auth].digestLength;
}

function digest(auth: AuthProtocol, key: Uint8Array, message: Uint8Array): Buffer {
  const p = AUTH_PROTOCOLS[auth];
  return createHmac(p.hash, key).update(message).digest().subarray(0, p.digestLength);
}

/**
 * Authenticates an outgoing message in place: `authOffset` is where its
 * (zero-filled) msgAuthenticationParameters start.
 */
export function signMessage(auth: AuthProtocol, key: Uint8Array, message: Uint8Array, authOffset: number): void {
  const n = AUTH_PROTOCOLS[auth].digestLength;
  message.fill(0, authOffset, authOffset + n);
  message.set(digest(auth, key, message), authOffset);
}

/**
 * Checks an incoming message's digest. The digest field is zeroed while
 * hashing and then restored, so the buffer is briefly modified.
 */
export function verifyMessage(
  auth: AuthProtocol,
  key: Uint8Array,
  message: Uint8Array,
  authOffset: number,
  authLength: number,
): boolean {
  const n = AUTH_PROTOCOLS[auth].digestLength;
  if (authLength !== n || authOffset + n > message.length) return false;
  // A copy (not slice(): on a Buffer that is a view, and the field is zeroed next).
  const received = new Uint8Array(message.subarray(authOffset, authOffset + n));
  message.fill(0, authOffset, authOffset + n);
  const expected = digest(auth, key, message);
  message.set(received, authOffset);
  let diff = 0;
  for (let i = 0; i < n; i++) diff |= expected[i] ^ received[i];
  return diff === 0;
}

function ivFor(priv: PrivProtocol, key: Uint8Array, salt: Uint8Array, boots: number, time: number): Uint8Array {
  if (salt.length !== 8) throw new DcaError("malformed", `msgPrivacyParameters must be 8 octets, got ${salt.length}`);
  if (priv === "des") {
    const iv = new Uint8Array(8);
    for (let i = 0; i < 8; i++) iv[i] = key[8 + i] ^ salt[i];
    return iv;
  }
  const iv = new Uint8Array(16);
  const view = new DataView(iv.buffer);
  view.setUint32(0, boots >>> 0);
  view.setUint32(4, time >>> 0);
  iv.set(salt, 8);
  return iv;
}

function cipherKey(priv: PrivProtocol, key: Uint8Array): Uint8Array {
  if (key.length < PRIV_PROTOCOLS[priv].keyLength) throw new DcaError("invalid-argument", `${priv} needs a ${PRIV_PROTOCOLS[priv].keyLength}-octet key`);
  return priv === "des" ? key.subarray(0, 8) : key.subarray(0, PRIV_PROTOCOLS[priv].keyLength);
}

/**
 * Encrypts a ScopedPDU encoding. `salt` becomes msgPrivacyParameters;
 * `boots`/`time` are the authoritative engine's values sent in the same
 * message (AES folds them into the IV). DES pads with zeros to 8 octets.
 */
export function encryptScopedPdu(
  priv: PrivProtocol,
  key: Uint8Array,
  plaintext: Uint8Array,
  salt: Uint8Array,
  boots: number,
  time: number,
): Uint8Array {
  const c = createCipheriv(PRIV_PROTOCOLS[priv].cipher, cipherKey(priv, key), ivFor(priv, key, salt, boots, time));
  let input = plaintext;
  if (priv === "des") {
    c.setAutoPadding(false);
    if (plaintext.length % 8 !== 0) {
      input = new Uint8Array(plaintext.length + 8 - (plaintext.length % 8));
      input.set(plaintext);
    }
  }
  return new Uint8Array(Buffer.concat([c.update(input), c.final()]));
}

/** Decrypts msgData.encryptedPDU; garbage keys give garbage plaintext, so parse the result strictly. */
export function decryptScopedPdu(
  priv: PrivProtocol,
  key: Uint8Array,
  ciphertext: Uint8Array,
  privParams: Uint8Array,
  boots: number,
  time: number,
): Uint8Array {
  if (priv === "des" && ciphertext.length % 8 !== 0) throw new DcaError("malformed", "DES ciphertext is not a multiple of 8 octets");
  const d = createDecipheriv(PRIV_PROTOCOLS[priv].cipher, cipherKey(priv, key), ivFor(priv, key, privParams, boots, time));
  d.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([d.update(ciphertext), d.final()]));
}

/**
 * A source of fresh 8-octet salts: engineBoots then a counter for DES
 * (RFC 3414 8.1.1.1), a 64-bit counter from a random start for AES (RFC 3826 3.1.2.1).
 */
export function createSaltSource(engineBoots = 0): (priv: PrivProtocol) => Uint8Array {
  const start = randomBytes(8);
  let hi = start.readUInt32BE(0);
  let lo = start.readUInt32BE(4);
  return (priv) => {
    lo = (lo + 1) >>> 0;
    if (lo === 0) hi = (hi + 1) >>> 0;
    const salt = new Uint8Array(8);
    const view = new DataView(salt.buffer);
    view.setUint32(0, priv === "des" ? engineBoots >>> 0 : hi);
    view.setUint32(4, lo);
    return salt;
  };
}

/** RFC 3414 3.2 step 7b, seen from the authoritative engine. */
export function isInTimeWindow(localBoots: number, localTime: number, msgBoots: number, msgTime: number): boolean {
  if (localBoots === 0x7fffffff || msgBoots !== localBoots) return false;
  return Math.abs(msgTime - localTime) <= TIME_WINDOW_SECONDS;
}

/** Our privacy protocol names as the net-snmp npm package spells them (its PrivProtocols keys). */
export const NET_SNMP_PRIV = { des: "des", aes128: "aes", aes256: "aes256b", aes256c: "aes256r" } as const satisfies Record<PrivProtocol, string>;
