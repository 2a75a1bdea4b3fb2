/**
 * Ids, secrets and activation codes, all from crypto randomness, and the
 * hashes the store keeps instead of secrets.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** The kinds of row ids; the prefix tells a reader what an id names. */
export type IdPrefix = "site" | "agt" | "dev" | "tsk" | "wa" | "usr" | "grp" | "rg" | "ses" | "tok" | "alr" | "ach" | "alt";

const ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/** A new id such as "dev_k3v9x0q2m7c1p8z4" (16 random base-36 characters, about 82 bits). */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomString(ID_ALPHABET, 16)}`;
}

/**
 * The activation code alphabet: no 0/O, 1/I/L, so a code read aloud or
 * copied from paper cannot be mistyped into another valid one.
 */
export const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/** A new activation code "ABCD-EFGH" (8 characters, about 40 bits). */
export function newActivationCode(): string {
  const s = randomString(CODE_ALPHABET, 8);
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/** The form a code is hashed in: upper case, dashes and spaces removed. */
export function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]+/g, "");
}

/** SHA-256 of a normalised code, hex; the only form a code is stored in. */
export function hashCode(code: string): string {
  return createHash("sha256").update(normaliseCode(code)).digest("hex");
}

/** A new agent secret: 32 random bytes, base64url. */
export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** SHA-256 of a secret; the only form a secret is stored in. */
export function hashSecret(secret: string): Uint8Array {
  return createHash("sha256").update(secret, "utf8").digest();
}

/** Constant-time comparison of two hashes (false on a length mismatch). */
export function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

// Rejection sampling keeps every character equally likely (256 is not a multiple of the alphabet size).
function randomString(alphabet: string, length: number): string {
  const limit = 256 - (256 % alphabet.length);
  let out = "";
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < limit) out += alphabet[b % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}
