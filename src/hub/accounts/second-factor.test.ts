/**
 * TOTP codes on a fake clock (RFC 6238 vectors, one step either side, the
 * replay guard) and recovery codes, as one check through the store.
 */
import { describe, expect, test } from "bun:test";
import jsQR from "jsqr";
import { accountsWorld } from "../../../test/support/accounts-fixture.ts";
import {
  RECOVERY_CODE_COUNT,
  hashRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  totpCodeAt,
  totpQr,
  totpUri,
  useSecondFactorCode,
  verifyTotpCode,
} from "./second-factor.ts";

// RFC 6238 appendix B: the SHA-1 key "12345678901234567890" (base32 below), 8-digit codes; ours are their last 6 digits.
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const RFC_VECTORS: [number, string][] = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
];

/** What a QR reader finds in a picture of light (true) and dark modules, each drawn 4 pixels square. */
function readQr(light: boolean[][]): string | undefined {
  const scale = 4;
  const h = light.length * scale;
  const w = light[0].length * scale;
  const px = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = light[Math.floor(y / scale)][Math.floor(x / scale)] ? 255 : 0;
      px.set([v, v, v, 255], (y * w + x) * 4);
    }
  }
  return jsQR(px, w, h)?.data;
}

describe("TOTP", () => {
  test("codes follow RFC 6238 (SHA-1, 30 s steps; 6 digits)", () => {
    for (const [s, code] of RFC_VECTORS) expect(totpCodeAt(RFC_SECRET, s * 1000)).toBe(code.slice(2));
  });

  test("a code is valid in its step and one step either side, not two; wrong and malformed codes are not", () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const t = Date.parse("2026-03-01T08:00:10Z");
    const code = totpCodeAt(secret, t);
    const step = Math.floor(t / 30_000);
    expect(verifyTotpCode(secret, code, t, 0)).toBe(step);
    expect(verifyTotpCode(secret, code, t + 30_000, 0)).toBe(step);
    expect(verifyTotpCode(secret, code, t - 30_000, 0)).toBe(step);
    expect(verifyTotpCode(secret, code, t + 60_000, 0)).toBeUndefined();
    expect(verifyTotpCode(secret, code, t - 60_000, 0)).toBeUndefined();
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    expect(verifyTotpCode(secret, wrong, t, 0)).toBeUndefined();
    for (const bad of ["", "12345", "1234567", "abcdef", `${code} `]) expect(verifyTotpCode(secret, bad, t, 0)).toBeUndefined();
    expect(verifyTotpCode(secret, code, t, step)).toBeUndefined();
    expect(verifyTotpCode(secret, code, t, step - 1)).toBe(step);
  });

  test("the URI and QR codes carry the issuer, the username and the secret", () => {
    const uri = totpUri("dca test hub", "alice@example.com", "JBSWY3DPEHPK3PXP");
    expect(uri).toStartWith("otpauth://totp/dca%20test%20hub:alice%40example.com?");
    const params = new URL(uri).searchParams;
    expect(Object.fromEntries(params)).toMatchObject({ secret: "JBSWY3DPEHPK3PXP", issuer: "dca test hub" });
    const qr = totpQr(uri);
    // The terminal form: two modules a character, the block drawn in the (light) text colour of a dark terminal.
    expect(qr.terminal).toMatch(/^[█▀▄ \n]+$/);
    const light: boolean[][] = [];
    for (const row of qr.terminal.split("\n").filter(Boolean)) {
      light.push([...row].map((c) => c === "█" || c === "▀"), [...row].map((c) => c === "█" || c === "▄"));
    }
    expect(readQr(light)).toBe(uri);
    // The SVG: black 10-unit squares on white.
    const size = Number(/viewBox="0 0 (\d+) \d+"/.exec(qr.svg)?.[1]) / 10;
    const svgLight = Array.from({ length: size }, () => Array<boolean>(size).fill(true));
    for (const [, x, y] of qr.svg.matchAll(/M(\d+),(\d+)h10v10h-10z/g)) svgLight[Number(y) / 10][Number(x) / 10] = false;
    expect(readQr(svgLight)).toBe(uri);
  });
});

describe("recovery codes", () => {
  test("ten distinct xxxx-xxxx-xxxx codes without look-alike characters; the hash ignores case, spaces and dashes", () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(RECOVERY_CODE_COUNT).toBe(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}$/);
    const h = hashRecoveryCode(codes[0]);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRecoveryCode(` ${codes[0].toUpperCase().replaceAll("-", " ")} `)).toBe(h);
  });
});

describe("one check for both factors", () => {
  test("a TOTP code passes once (replay refused, also an older step), a recovery code once", async () => {
    const w = accountsWorld();
    const { user, secret, recoveryCodes } = await w.userWithTotp("erin");
    const now = () => w.clock.now();
    // The step that confirmed the enrolment is used up.
    expect(useSecondFactorCode(w.store, user.id, w.code(secret), now())).toBeUndefined();
    await w.clock.advance(30_000);
    const code = w.code(secret);
    expect(useSecondFactorCode(w.store, user.id, code, now())).toBe("totp");
    expect(useSecondFactorCode(w.store, user.id, code, now())).toBeUndefined();
    expect(useSecondFactorCode(w.store, user.id, w.code(secret, -1), now())).toBeUndefined();
    expect(useSecondFactorCode(w.store, user.id, w.code(secret, 1).replace(/(\d{3})/, "$1 "), now())).toBe("totp");
    expect(useSecondFactorCode(w.store, user.id, recoveryCodes[3].toUpperCase(), now())).toBe("recovery-code");
    expect(useSecondFactorCode(w.store, user.id, recoveryCodes[3], now())).toBeUndefined();
    expect(useSecondFactorCode(w.store, user.id, "abcd-efgh-jkmn", now())).toBeUndefined();
    expect(w.store.recoveryCodesLeft(user.id)).toBe(9);
  });
});
