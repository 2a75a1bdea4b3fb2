import { expect, test } from "bun:test";
import { cleanText, decodeText, formatMac } from "./text.ts";

const enc = (s: string) => new TextEncoder().encode(s);

test("UTF-8, Latin-1 and UTF-16 decode to the same text", () => {
  expect(decodeText(enc("Toner Schwarz für Drucker"))).toBe("Toner Schwarz für Drucker");
  expect(decodeText(Uint8Array.from([0x66, 0xfc, 0x72]))).toBe("für"); // Latin-1, invalid as UTF-8
  expect(decodeText(Uint8Array.from([0xfe, 0xff, 0, 0x48, 0, 0x50]))).toBe("HP");
  expect(decodeText(enc("ブラック トナー"))).toBe("ブラック トナー");
});

test("hostile strings lose control characters and escapes", () => {
  expect(decodeText(enc("Black\u001b[2J\u001b]0;pwned\u0007 Toner\u0000\u0000"))).toBe("Black[2J]0;pwned Toner");
  expect(cleanText("line1\r\nline2\tx")).toBe("line1 line2 x");
  expect(cleanText("abc\u202edcba")).toBe("abcdcba");
  expect(decodeText(enc("x".repeat(5000))).length).toBe(1024);
});

test("MAC formatting", () => {
  expect(formatMac(Uint8Array.from([0, 0x1b, 0xa9, 0x12, 0x34, 0x56]))).toBe("00:1b:a9:12:34:56");
  expect(formatMac(new Uint8Array(6))).toBe("");
  expect(formatMac(new Uint8Array(4))).toBe("");
});

test("HP two-line descriptions: the hex continuation is decoded and joined", () => {
  // prtMarkerSuppliesDescription as HP Color LaserJet M880 firmware sends it.
  const raw = Buffer.from(
    "4379616E2043617274726964676520380a333220333720343120323020343820353020323020343320343620333320333020333120343120303020",
    "hex",
  );
  expect(decodeText(raw)).toBe("Cyan Cartridge 827A HP CF301A");
  expect(decodeText(enc("Magenta Cartridg\n65 20 38 32 37 41 20 48 50 20 43 46 33 30 33 41 \n00 "))).toBe(
    "Magenta Cartridge 827A HP CF303A",
  );
  expect(decodeText(enc("Line one\nnot hex at all"))).toBe("Line one not hex at all");
});
