/**
 * The Zebra client's one error class. Messages name the printer and the
 * step that failed; text from the printer appears only escaped and cut
 * short (`showRaw`), and SGD values or ~HS passwords never appear at all.
 */
import { CodedError, thrownParts } from "../../common/coded-error.ts";

/**
 * What went wrong:
 * - `connect`: the TCP connection could not be made (refused, unreachable, reset).
 * - `timeout`: the printer did not answer (or finish answering) in time.
 * - `too-large`: the reply passed the size bound.
 * - `malformed`: the reply is not what the command returns (wrong fields, garbage).
 * - `refused`: an LPD server answered a step with a non-zero acknowledgement.
 * - `invalid-argument`: the caller passed a name, queue or option we will not send.
 */
export type ZebraErrorCode = "connect" | "timeout" | "too-large" | "malformed" | "refused" | "invalid-argument";

/** A Zebra or LPD failure with a closed `code` and a message fit for an operator. */
export class ZebraError extends CodedError<ZebraErrorCode> {
  override name = "ZebraError";

  /** Keeps a ZebraError as it is; anything else a socket threw becomes `connect`. */
  static from(e: unknown, target: string): ZebraError {
    if (e instanceof ZebraError) return e;
    const { code, text } = thrownParts(e);
    return new ZebraError("connect", `cannot talk to ${target}: ${code || text}`, { cause: e });
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
