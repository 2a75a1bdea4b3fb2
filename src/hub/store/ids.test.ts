import { describe, expect, test } from "bun:test";
import { CODE_ALPHABET, newActivationCode, newId, normaliseCode } from "./ids.ts";

describe("ids and activation codes", () => {
  test("codes are ABCD-EFGH from an alphabet without 0 O 1 I L, differ, and use every character of it", () => {
    const codes = Array.from({ length: 2000 }, newActivationCode);
    for (const c of codes) expect(c).toMatch(/^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);
    expect(new Set(codes).size).toBe(codes.length);
    // Every character of the alphabet turns up: the sampling is not skewed away from any.
    expect(new Set(codes.join("").replace(/-/g, "")).size).toBe(CODE_ALPHABET.length);
  });

  test("ids carry their kind's prefix; a code is compared without case, spaces or dashes", () => {
    expect(newId("dev")).toMatch(/^dev_[0-9a-z]{16}$/);
    expect(normaliseCode(" abcd efgh ")).toBe("ABCDEFGH");
    expect(normaliseCode("AbCd-EfGh")).toBe("ABCDEFGH");
  });
});
