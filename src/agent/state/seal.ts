/**
 * Authenticated encryption for the agent's local state: HKDF-SHA256 keys
 * and AES-256-GCM boxes. A box opened with the wrong key (another machine,
 * another folder) or with one byte changed fails; it never yields garbage.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { DcaError } from "../../common/errors.ts";

/**
 * Constant salt of the dca application. It is not a secret (it is in the
 * binary); it only keeps dca's keys apart from any other use of the inputs.
 */
const APP_SALT = Buffer.from("c0b9a0f4e2d14a0e9d6f5b1c7a3e8d21dca-state-v1", "utf8");
const MAGIC = Buffer.from("DCA1", "ascii");
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A 32-byte key from `ikm` (the install's secret-ish material) for the purpose named by `info`. */
export function deriveKey(ikm: string, info: string): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", Buffer.from(ikm, "utf8"), APP_SALT, Buffer.from(info, "utf8"), 32));
}

/** Encrypts and authenticates `plaintext`; `context` is bound to the box but not stored in it. */
export function seal(key: Uint8Array, plaintext: Uint8Array, context: string): Uint8Array {
  const iv = randomBytes(IV_BYTES);
  const c = createCipheriv("aes-256-gcm", key, iv);
  c.setAAD(aad(context));
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  return new Uint8Array(Buffer.concat([MAGIC, iv, body, c.getAuthTag()]));
}

/**
 * Opens a box made by {@link seal} with the same key and context, or throws a
 * DcaError `data-loss` when it does not open: wrong key, edited, truncated or
 * not a box at all.
 */
export function unseal(key: Uint8Array, box: Uint8Array, context: string): Uint8Array {
  const b = Buffer.from(box);
  if (b.length < MAGIC.length + IV_BYTES + TAG_BYTES || !b.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new DcaError("data-loss", "not a sealed dca box");
  }
  const iv = b.subarray(MAGIC.length, MAGIC.length + IV_BYTES);
  const tag = b.subarray(b.length - TAG_BYTES);
  const body = b.subarray(MAGIC.length + IV_BYTES, b.length - TAG_BYTES);
  try {
    const d = createDecipheriv("aes-256-gcm", key, iv);
    d.setAAD(aad(context));
    d.setAuthTag(tag);
    return new Uint8Array(Buffer.concat([d.update(body), d.final()]));
  } catch {
    throw new DcaError("data-loss", "authentication failed");
  }
}

function aad(context: string): Buffer {
  return Buffer.concat([MAGIC, Buffer.from(context, "utf8")]);
}
