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

test("cleanText gives what the full replace chain gives, on plain and on hostile strings", () => {
  // The chain cleanText ran on every string before it skipped plain ones.
  const chain = (s: string, max = 1024) => {
    const out = s
      .replace(/\r\n|\r|\n|\t/g, " ")
      .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffd]/g, "")
      .replace(/ {2,}/g, " ")
      .trim();
    return out.length > max ? out.slice(0, max) : out;
  };
  const alphabet = ["a", "Z", "0", " ", "  ", "\t", "\n", "\r", "\x00", "\x1b", "\x7f", "\x85", "\u00a0", "\u200b", "\u202e", "\ufeff", "é", "ブ", "~", "%"];
  let seed = 11;
  const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const samples = ["", " ", "Black Toner", " Black Toner", "Black Toner ", "Black  Toner", "Tray 1\u00a0", "x".repeat(1100)];
  for (let i = 0; i < 3000; i++) samples.push(Array.from({ length: rnd(12) }, () => alphabet[rnd(alphabet.length)]).join(""));
  for (const s of samples) expect([s, cleanText(s)]).toEqual([s, chain(s)]);
  for (const s of samples) expect([s, cleanText(s, 5)]).toEqual([s, chain(s, 5)]);
});
