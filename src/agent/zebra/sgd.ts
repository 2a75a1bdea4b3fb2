/**
 * Set-Get-Do over the raw port: `! U1 getvar "name"` CR LF, answered with
 * the value in double quotes and no line end (an unknown name answers "?").
 * Names are checked before sending; values sent with setvar never appear
 * in errors, as they may be Wi-Fi keys or passwords.
 */
import { cleanText } from "../../common/text.ts";
import type { ZebraReadOptions } from "./host-status.ts";
import { ZebraError, showRaw } from "./zebra-error.ts";
import { ZEBRA_RAW_PORT, zebraRaw } from "./zebra-raw.ts";

/** Longest SGD value kept, after cleaning. */
export const MAX_SGD_VALUE = 1024;

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

function checkName(name: string): void {
  if (!NAME.test(name)) throw new ZebraError("invalid-argument", `SGD name must be letters, digits, "_", "." or "-" (at most 128), got ${showRaw(name)}`);
}

/** A reply is whole once it has its opening and closing quote. */
function quoted(reply: Uint8Array): boolean {
  const start = reply.indexOf(0x22);
  return start >= 0 && reply.indexOf(0x22, start + 1) > start;
}

/**
 * Reads one SGD variable. Returns the cleaned value, or undefined when the
 * printer does not know the name (it answers "?").
 */
export async function sgdGetvar(host: string, name: string, options: ZebraReadOptions = {}): Promise<string | undefined> {
  checkName(name);
  const reply = await zebraRaw(host, options.port ?? ZEBRA_RAW_PORT, `! U1 getvar "${name}"\r\n`, {
    timeoutMs: options.timeoutMs,
    maxReplyBytes: options.maxReplyBytes ?? 64 * 1024,
    complete: quoted,
  });
  const text = Buffer.from(reply).toString("latin1");
  const m = /^\s*"([^"]*)"\s*$/.exec(text);
  if (!m) throw new ZebraError("malformed", `getvar "${name}" reply is not one quoted value: ${showRaw(text)}`);
  const value = cleanText(Buffer.from(m[1], "latin1").toString("utf8"), MAX_SGD_VALUE);
  return value === "?" ? undefined : value;
}

/**
 * Sets one SGD variable (`! U1 setvar "name" "value"`). Zebras do not answer
 * setvar, so this resolves once the bytes are sent.
 */
export async function sgdSetvar(host: string, name: string, value: string, options: ZebraReadOptions = {}): Promise<void> {
  checkName(name);
  // A quote or line end would end the command early and let the rest run as ZPL.
  if (/["\x00-\x1f\x7f]/.test(value) || value.length > MAX_SGD_VALUE)
    throw new ZebraError("invalid-argument", `setvar "${name}": the value must be printable, without double quotes, at most ${MAX_SGD_VALUE} characters`);
  await zebraRaw(host, options.port ?? ZEBRA_RAW_PORT, Buffer.from(`! U1 setvar "${name}" "${value}"\r\n`, "utf8"), {
    timeoutMs: options.timeoutMs,
    expectReply: false,
  });
}
