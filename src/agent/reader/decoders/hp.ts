/**
 * HP text that the generic string decoder misreads. HP's PML objects
 * (serial-number, model-name under 1.3.6.1.4.1.11.2.3.9.4.2.1.1.3) are
 * strings in a PCL symbol set, and firmware may put the two-byte symbol set
 * number in front of the text; tools that print those bytes as hex, or
 * strip the "control characters" in front, are seeing that prefix. Some
 * firmware also serves UTF-16 without a byte order mark.
 */
import { cleanText, decodeText } from "../../../common/text.ts";
import type { VarBind } from "../../snmp/session.ts";
import { bytesOf } from "../values.ts";

/**
 * PCL symbol set numbers (number * 32 + letter - 64) that may lead a PML
 * string, and how the text after them is encoded.
 */
export const HP_SYMBOL_SETS: Record<number, "latin1" | "roman8" | "ucs2"> = {
  0x000e: "latin1", // 0N, ISO 8859-1 Latin 1
  0x0115: "roman8", // 8U, HP Roman-8
  0x0275: "latin1", // 19U, Windows 3.1 Latin 1 (a superset of Latin 1 for printable text)
  0x024e: "ucs2", // 18N, Unicode (UCS-2, big-endian)
};

const latin1 = new TextDecoder("latin1");
const utf16be = new TextDecoder("utf-16be");
const utf16le = new TextDecoder("utf-16le");

/**
 * Roman-8 agrees with ASCII below 0x80; its upper half differs from Latin 1.
 * The letters HP uses in names and serials are ASCII, so the upper half is
 * shown as "?" rather than guessed.
 */
function roman8(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => (b < 0x80 ? String.fromCharCode(b) : "?")).join("");
}

/** True when every byte at `zeroAt` parity is 0 and the others are printable ASCII. */
function isUtf16Ascii(b: Uint8Array, zeroAt: 0 | 1): boolean {
  if (b.length < 4 || b.length % 2 !== 0) return false;
  for (let i = 0; i < b.length; i += 2) {
    const zero = b[i + zeroAt];
    const ch = b[i + 1 - zeroAt];
    if (zero !== 0 || ch < 0x20 || ch > 0x7e) return false;
  }
  return true;
}

/** Decodes an HP PML or supply string to clean text. */
export function decodeHpString(bytes: Uint8Array): string {
  // NUL padding comes in pairs in UTF-16; dropping pairs keeps the code units aligned.
  let end = bytes.length;
  while (end >= 2 && bytes[end - 1] === 0 && bytes[end - 2] === 0) end -= 2;
  const b = bytes.subarray(0, end);
  if (b.length >= 2 && b[0] < 0x20) {
    const set = HP_SYMBOL_SETS[(b[0] << 8) | b[1]];
    const text = b.subarray(2);
    if (set === "ucs2") return cleanText(utf16be.decode(text));
    if (set === "roman8") return cleanText(roman8(text));
    if (set === "latin1") return cleanText(latin1.decode(text));
  }
  if (isUtf16Ascii(b, 0)) return cleanText(utf16be.decode(b));
  if (isUtf16Ascii(b, 1)) return cleanText(utf16le.decode(b));
  return decodeText(bytes);
}

/** {@link decodeHpString} of a varbind; "" when it is not a string. */
export function hpTextOf(vb: VarBind | undefined): string {
  const bytes = bytesOf(vb);
  return bytes ? decodeHpString(bytes) : "";
}
