import { describe, expect, test } from "bun:test";
import { Tag } from "../../../common/ber.ts";
import { decodeHpString, hpTextOf } from "./hp.ts";

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
const of = (...parts: (number | number[])[]) => Uint8Array.from(parts.flat());

describe("decodeHpString", () => {
  test("a Roman-8 (8U = 0x0115) symbol set prefix is dropped", () => {
    expect(decodeHpString(of(0x01, 0x15, ascii("CNB8K12345")))).toBe("CNB8K12345");
    // The upper half of Roman-8 is not Latin 1: not guessed.
    expect(decodeHpString(of(0x01, 0x15, ascii("ABC"), 0xb3))).toBe("ABC?");
  });

  test("a Latin 1 (0N = 0x000E) prefix is dropped and the text read as Latin 1", () => {
    expect(decodeHpString(of(0x00, 0x0e, ascii("Drucker "), 0xfc, ascii("ber")))).toBe("Drucker über");
  });

  test("a UCS-2 (18N = 0x024E) prefix is dropped and the text read as UTF-16BE", () => {
    expect(decodeHpString(of(0x02, 0x4e, 0x00, 0x43, 0x00, 0x4e, 0x00, 0xe9))).toBe("CNé");
  });

  test("UTF-16 without byte order mark, either order, NUL padded", () => {
    const be = of(ascii("Black Cartridge").flatMap((c) => [0, c]), 0, 0, 0, 0);
    const le = of(ascii("Cyan Cartridge 207A").flatMap((c) => [c, 0]));
    expect(decodeHpString(be)).toBe("Black Cartridge");
    expect(decodeHpString(le)).toBe("Cyan Cartridge 207A");
  });

  test("plain text, and HP's hex continuation of long descriptions, read as before", () => {
    expect(decodeHpString(of(ascii("Black Cartridge HP CF410A")))).toBe("Black Cartridge HP CF410A");
    // First 16 characters, a newline, then the rest as hex pairs ("827A HP CF358A").
    const split = of(ascii("Black Drum 828A \n48 50 20 43 46 33 35 38 41 00 "));
    expect(decodeHpString(split)).toBe("Black Drum 828A HP CF358A");
  });

  test("an unknown low prefix is not taken for a symbol set", () => {
    expect(decodeHpString(of(0x07, 0x41, ascii("X")))).toBe("AX");
  });

  test("hpTextOf reads only strings", () => {
    expect(hpTextOf({ oid: "1.3", tag: Tag.OctetString, value: of(0x01, 0x15, ascii("SN1")) })).toBe("SN1");
    expect(hpTextOf({ oid: "1.3", tag: Tag.Integer, value: 5 })).toBe("");
    expect(hpTextOf(undefined)).toBe("");
  });
});
