/**
 * The Zebra client's one error class. Messages name the printer and the
 * step that failed; text from the printer appears only escaped and cut
 * short (`showRaw`), and SGD values or ~HS passwords never appear at all.
 */
import { DcaError, thrownParts } from "../../common/errors.ts";

/**
 * A Zebra or LPD failure with a message fit for an operator. Codes:
 * `unavailable` (no TCP connection), `deadline-exceeded`, `resource-exhausted`
 * (the reply passed its bound), `malformed` (not what the command returns),
 * `permission-denied` (an LPD server refused a step), `invalid-argument` (a
 * name, queue or option we will not send).
 */
export class ZebraError extends DcaError {
  override name = "ZebraError";

  /** Keeps a ZebraError as it is; anything else a socket threw is `unavailable`. */
  static fromSocket(e: unknown, target: string): ZebraError {
    if (e instanceof ZebraError) return e;
    const { code, text } = thrownParts(e);
    return new ZebraError("unavailable", `cannot talk to ${target}: ${code || text}`, { cause: e });
  }
}

/** Longest piece of printer text quoted in an error. */
const RAW_SHOWN = 200;

/**
 * Printer bytes as a one-line, printable quote for an error message:
 * control characters become `<STX>`, `<ETX>`, `\r`, `\n` or `\xNN`, and the
 * text is cut at 200 characters so a hostile reply cannot flood a log.
 */
export function showRaw(text: string): string {
  const named: Record<number, string> = { 2: "<STX>", 3: "<ETX>", 10: "\\n", 13: "\\r" };
  let out = "";
  for (const ch of text) {
    if (out.length >= RAW_SHOWN) return `"${out}..." (${text.length} characters)`;
    const c = ch.codePointAt(0) ?? 0;
    if (named[c]) out += named[c];
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/.test(ch))
      out += `\\x${c.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return `"${out}"`;
}
