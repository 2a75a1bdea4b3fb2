/**
 * The password policy (NIST SP 800-63B: length, blocklist, no composition
 * rules) and the Argon2id hash.
 */
import { describe, expect, spyOn, test } from "bun:test";
import { DcaError } from "../../common/errors.ts";
import { PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, checkPasswordPolicy, hashPassword, isCommonPassword, isRepetitiveOrSequential, verifyPassword } from "./passwords.ts";

/** The refusal `checkPasswordPolicy` gives, or "allowed". */
async function policy(password: string, username = "alice"): Promise<string> {
  try {
    await checkPasswordPolicy(password, username);
    return "allowed";
  } catch (e) {
    if (!(e instanceof DcaError)) throw e;
    expect(e.code).toBe("invalid-argument");
    expect(e.reason).toBe("password-policy");
    expect(e.message).not.toContain("\n");
    if (password.length >= 4) expect(e.message).not.toContain(password);
    return e.message;
  }
}

describe("the password policy", () => {
  test("12 characters are enough, 11 are not, 256 is the most; no composition rules", async () => {
    expect(PASSWORD_MIN_CHARS).toBe(12);
    expect(PASSWORD_MAX_CHARS).toBe(256);
    expect(await policy("tulip orbit")).toMatch(/^password refused: it is shorter than 12 characters; use 12 to 256 characters of any kind/);
    expect(await policy("tulip orbitz")).toBe("allowed");
    expect(await policy("all lower case words here")).toBe("allowed");
    const long = Array.from({ length: 64 }, (_, i) => `w${i % 10}x `).join("");
    expect([...long]).toHaveLength(256);
    expect(await policy(long)).toBe("allowed");
    expect(await policy(`${long}z`)).toMatch(/longer than 256 characters/);
  });

  test("length counts Unicode characters after NFKC, not UTF-16 units or bytes", async () => {
    const emoji = "🌷🪐🎨🦊🍋🚲🎻🧭🌋🪁🦉"; // 11 emoji: 22 UTF-16 units
    expect(emoji.length).toBe(22);
    expect(await policy(emoji)).toMatch(/shorter than 12/);
    expect(await policy(`${emoji}🐢`)).toBe("allowed");
    // "é" typed as e + combining acute is one character once normalised.
    const decomposed = "ce\u0301le\u0301ri moi "; // 13 code points, 11 characters after NFKC
    expect([...decomposed]).toHaveLength(13);
    expect([...decomposed.normalize("NFKC")]).toHaveLength(11);
    expect(await policy(decomposed)).toMatch(/shorter than 12/);
    expect(await policy(`${decomposed}x`)).toBe("allowed");
  });

  test("common passwords are refused, also with digits or symbols around them, in any case", async () => {
    expect(await isCommonPassword("password")).toBe(true);
    for (const pw of ["1qaz2wsx3edc", "QWERTY123456", "password1234", "Password!2024", "iloveyou1234!!", "dragon123456", "dcahub123456"]) {
      expect(await policy(pw)).toMatch(/^password refused: it is on the list of commonly used passwords/);
    }
    expect(await policy("dragon orbit canvas")).toBe("allowed");
  });

  test("one repeated pattern or a run in sequence is refused", async () => {
    for (const pw of ["aaaaaaaaaaaa", "abcabcabcabc", "abcdefghijklm", "zyxwvutsrqpo", "            "]) {
      expect(isRepetitiveOrSequential(pw)).toBe(true);
      expect(await policy(pw)).toMatch(/repeated, or a run in sequence/);
    }
    expect(isRepetitiveOrSequential("abcdefghijkx")).toBe(false);
  });

  test("the username, or a password containing it in any case, is refused (names of 3 or more characters)", async () => {
    expect(await policy("alice.smith1", "Alice.Smith")).toMatch(/it contains the username/);
    expect(await policy("my name is ALICE ok", "alice")).toMatch(/it contains the username/);
    expect(await policy("jo walks the dog", "jo")).toBe("allowed");
    expect(await policy("bob walks the dog", "bob")).toMatch(/contains the username/);
  });
});

describe("password hashes", () => {
  test("Argon2id, salted, verified on the NFKC form; wrong, empty-hash and overlong inputs are false", async () => {
    const pw = "ce\u0301le\u0301ri moi a\u0300 tout";
    const h1 = await hashPassword(pw);
    const h2 = await hashPassword(pw);
    expect(h1).toMatch(/^\$argon2id\$v=19\$m=65536,t=2,p=1\$/);
    expect(h1).not.toBe(h2);
    expect(h1).not.toContain("tout");
    expect(await verifyPassword(pw, h1)).toBe(true);
    expect(await verifyPassword(pw.normalize("NFC"), h1)).toBe(true);
    expect(await verifyPassword(`${pw}!`, h1)).toBe(false);
    expect(await verifyPassword(pw, "")).toBe(false);
    expect(await verifyPassword(pw, "not a hash")).toBe(false);
    expect(await verifyPassword("x".repeat(1025), h1)).toBe(false);
  });

  test("an empty hash still costs one Argon2id verify (no timing oracle for unknown users)", async () => {
    const verify = spyOn(Bun.password, "verify");
    try {
      expect(await verifyPassword("anything at all", "")).toBe(false);
      expect(verify).toHaveBeenCalledTimes(1);
      expect(String(verify.mock.calls[0][1])).toMatch(/^\$argon2id\$/);
    } finally {
      verify.mockRestore();
    }
  });
});
