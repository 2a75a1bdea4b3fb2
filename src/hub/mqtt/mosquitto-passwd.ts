/**
 * Password hashes in the form mosquitto 2.x keeps in its `password_file`:
 * `$7$<iterations>$<salt base64>$<hash base64>`, PBKDF2-HMAC-SHA512 over the
 * UTF-8 password with a 12-byte salt and a 64-byte result (what Debian's
 * `mosquitto_passwd` writes). The hub stores this hash of each agent secret at
 * activation, so that a password file for an external broker can be written
 * later without the secret.
 */
import { pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import { DcaError } from "../../common/errors.ts";

/**
 * mosquitto_passwd's own default. Agent secrets are 32 random bytes, so key
 * stretching adds nothing against guessing; a low count keeps each broker
 * login cheap when hundreds of agents reconnect at once.
 */
export const MOSQUITTO_ITERATIONS = 101;
/** mosquitto 2.0 drops a password-file entry whose salt is not exactly 12 bytes. */
const SALT_BYTES = 12;
const HASH_BYTES = 64;
// mosquitto's decoder is strict base64 with padding; so is ours.
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A new mosquitto password-file hash of `password` (fresh random salt). */
export function mosquittoHash(password: string, opts: { iterations?: number; salt?: Uint8Array } = {}): string {
  checkPassword(password);
  const iterations = opts.iterations ?? MOSQUITTO_ITERATIONS;
  if (!Number.isSafeInteger(iterations) || iterations < 1) throw new DcaError("invalid-argument", `mosquitto hash: iterations must be a positive integer, got ${iterations}`);
  const salt = opts.salt ?? randomBytes(SALT_BYTES);
  if (salt.length !== SALT_BYTES) throw new DcaError("invalid-argument", `mosquitto hash: the salt must be ${SALT_BYTES} bytes, got ${salt.length}`);
  const hash = pbkdf2Sync(password, salt, iterations, HASH_BYTES, "sha512");
  return `$7$${iterations}$${Buffer.from(salt).toString("base64")}$${hash.toString("base64")}`;
}

/**
 * Whether `password` matches a `$7$` hash. A hash of another form (`$6$`
 * plain SHA-512, `$8$` argon2id of mosquitto 2.1) or a damaged one does not
 * match: this never throws on what a file holds.
 */
export function verifyMosquittoHash(password: string, hash: string): boolean {
  const parsed = parseMosquittoHash(hash);
  if (!parsed || password.includes("\0")) return false;
  const actual = pbkdf2Sync(password, parsed.salt, parsed.iterations, HASH_BYTES, "sha512");
  return timingSafeEqual(actual, parsed.hash);
}

/** The parts of a `$7$` hash, or undefined when it is not one mosquitto 2.0 would load. */
export function parseMosquittoHash(hash: string): { iterations: number; salt: Buffer; hash: Buffer } | undefined {
  const parts = hash.split("$");
  if (parts.length !== 5 || parts[0] !== "" || parts[1] !== "7") return undefined;
  const [, , iter, salt64, hash64] = parts;
  if (!/^[1-9][0-9]{0,8}$/.test(iter) || !BASE64.test(salt64) || !BASE64.test(hash64)) return undefined;
  const salt = Buffer.from(salt64, "base64");
  const digest = Buffer.from(hash64, "base64");
  if (salt.length !== SALT_BYTES || digest.length !== HASH_BYTES) return undefined;
  return { iterations: Number(iter), salt, hash: digest };
}

// mosquitto hashes strlen() bytes of a C string: a NUL would silently cut the password short.
function checkPassword(password: string): void {
  if (password === "") throw new DcaError("invalid-argument", "mosquitto hash: the password is empty");
  if (password.includes("\0")) throw new DcaError("invalid-argument", "mosquitto hash: the password contains a NUL character");
}
