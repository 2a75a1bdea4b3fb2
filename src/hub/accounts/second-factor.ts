/**
 * The second factor: TOTP (RFC 6238 through otplib: SHA-1, 6 digits, 30 s
 * steps, one step either side accepted for clock drift) and one-time recovery
 * codes, and the one check both sign-in and "confirm it is you" use.
 *
 * Time comes from the injected clock, never Date.now, so tests walk TOTP
 * steps by hand. A code is accepted once: its step must be after the last
 * accepted one (the store's conditional update decides, so two racing
 * sign-ins with one code cannot both pass), and a recovery code is marked
 * used in the same conditional way.
 */
import { createHash, randomInt } from "node:crypto";
import { generateSecret, generateSync, generateURI, verifySync } from "otplib";
import { renderSVG, renderUnicodeCompact } from "uqr";
import type { AccountStore } from "../store/index.ts";

/** The TOTP parameters every authenticator app understands. */
export const TOTP_PERIOD_S = 30;
/** How many recovery codes a user holds after enrolment or regeneration. */
export const RECOVERY_CODE_COUNT = 10;

// No 0/o, 1/l/i: a code copied from paper cannot be mistyped into another valid one.
const RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
const RECOVERY_CODE = /^[a-z0-9]{4}-?[a-z0-9]{4}-?[a-z0-9]{4}$/;

/** A new TOTP secret: 20 random bytes, base32 (what otpauth:// URIs carry). */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The otpauth:// URI an authenticator app scans: `issuer:username`. */
export function totpUri(issuer: string, username: string, secret: string): string {
  return generateURI({ issuer, label: username, secret, algorithm: "sha1", digits: 6, period: TOTP_PERIOD_S });
}

/** A QR code of `uri`: half-block text for a terminal (light on dark), and SVG for a web page. */
export function totpQr(uri: string): { terminal: string; svg: string } {
  return { terminal: renderUnicodeCompact(uri, { border: 2 }), svg: renderSVG(uri, { border: 2 }) };
}

/** The TOTP code of `secret` at `ms` (ms since the epoch): for tests and tools that play the authenticator. */
export function totpCodeAt(secret: string, ms: number): string {
  return generateSync({ secret, epoch: Math.floor(ms / 1000), period: TOTP_PERIOD_S });
}

/**
 * The time step `code` is valid at around `ms` (one step either side), if it is after
 * `afterStep`; undefined when it is not a valid code (wrong, malformed, or replayed).
 */
export function verifyTotpCode(secret: string, code: string, ms: number, afterStep: number): number | undefined {
  if (!secret || !/^\d{6}$/.test(code)) return undefined;
  const r = verifySync({ secret, token: code, epoch: Math.floor(ms / 1000), period: TOTP_PERIOD_S, epochTolerance: TOTP_PERIOD_S, afterTimeStep: afterStep });
  return r.valid && "timeStep" in r ? r.timeStep : undefined;
}

/** New recovery codes "xxxx-xxxx-xxxx" (12 characters of 31, about 59 bits each), to show once. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const s = Array.from({ length: 12 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join("");
    return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
  });
}

/** SHA-256 (hex) of a recovery code in its canonical form (lower case, no dashes or spaces): what the store keeps. */
export function hashRecoveryCode(code: string): string {
  return createHash("sha256").update(code.toLowerCase().replace(/[\s-]+/g, "")).digest("hex");
}

/** A code as typed, tidied: spaces removed, and for a recovery code lower case. */
function tidy(code: string): string {
  return code.replace(/\s+/g, "").toLowerCase();
}

/** Which second factor a code proved. */
export type SecondFactor = "totp" | "recovery-code";

/**
 * Checks a code a user typed for their second factor: a TOTP code (after the last step used,
 * which it then becomes) or one of their unused recovery codes (then used). The factor that
 * matched, or undefined. Counting failures is the caller's business.
 */
export function useSecondFactorCode(store: AccountStore, userId: string, code: string, nowMs: number): SecondFactor | undefined {
  const secrets = store.userSecrets(userId);
  if (!secrets?.totpSecret) return undefined;
  const typed = tidy(code);
  if (/^\d{6}$/.test(typed)) {
    const step = verifyTotpCode(secrets.totpSecret, typed, nowMs, secrets.totpLastStep);
    return step !== undefined && store.advanceTotpStep(userId, step) ? "totp" : undefined;
  }
  if (RECOVERY_CODE.test(typed)) return store.useRecoveryCode(userId, hashRecoveryCode(typed)) ? "recovery-code" : undefined;
  return undefined;
}
