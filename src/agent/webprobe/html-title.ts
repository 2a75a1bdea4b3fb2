/**
 * The <title> of an embedded web server's page, made safe to show: the
 * body's charset (UTF-8 unless it says Latin-1), HTML entities decoded,
 * terminal escape sequences removed whole (cleanText alone would leave
 * "[31m" behind), control characters stripped, at most 200 characters.
 */
import { cleanText } from "../../common/text.ts";

/** Longest title kept. */
export const MAX_TITLE = 200;

const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  copy: "©",
  reg: "®",
  trade: "™",
  ndash: "–",
  mdash: "—",
  hellip: "…",
  laquo: "«",
  raquo: "»",
  auml: "ä",
  ouml: "ö",
  uuml: "ü",
  Auml: "Ä",
  Ouml: "Ö",
  Uuml: "Ü",
  szlig: "ß",
  eacute: "é",
  egrave: "è",
  agrave: "à",
  ccedil: "ç",
};

/** Decodes named (a common subset) and numeric character references; unknown names stay as written. */
export function decodeHtmlEntities(s: string): string {
  return s.replace(/&(#[xX][0-9A-Fa-f]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});/g, (whole, ref: string) => {
    if (ref[0] === "#") {
      const code = ref[1] === "x" || ref[1] === "X" ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : "";
    }
    return NAMED[ref] ?? whole;
  });
}

/** Removes ANSI/VT escape sequences (CSI, OSC, and two-character ESC sequences), C1 CSI included. */
export function stripTerminalEscapes(s: string): string {
  return s
    .replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g, "")
    .replace(/(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]/g, "")
    .replace(/\u001b[@-Z\\-_]/g, "");
}

/** Device text (a header, a title) made printable and bounded. */
export function safeText(s: string, max: number): string {
  return cleanText(stripTerminalEscapes(s), max);
}

/** Decodes a body: UTF-8, or Latin-1 when the Content-Type says so or the bytes are not UTF-8. */
export function decodeBody(body: Uint8Array, contentType = ""): string {
  if (/charset\s*=\s*"?(iso-8859-1|latin1|windows-1252)/i.test(contentType)) return new TextDecoder("latin1").decode(body);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return new TextDecoder("latin1").decode(body);
  }
}

/** The page's title, cleaned; empty when there is none. */
export function extractTitle(html: string): string {
  const open = /<title\b[^>]*>/i.exec(html);
  if (!open) return "";
  const start = open.index + open[0].length;
  const close = html.slice(start, start + 64 * 1024).search(/<\/title\s*>/i);
  // A title cut by the body bound still shows its beginning.
  const raw = html.slice(start, close < 0 ? start + 4096 : start + Math.min(close, 4096));
  return safeText(decodeHtmlEntities(stripTerminalEscapes(raw)), MAX_TITLE);
}
