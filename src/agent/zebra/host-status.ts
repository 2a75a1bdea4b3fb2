/**
 * ~HS (host status): three STX...ETX CR LF strings with fixed comma fields,
 * as the ZPL II Programming Guide lays them out. Parsing is strict: a wrong
 * field count or a non-digit is a `malformed` error quoting the reply, so a
 * confused printer never turns into a plausible-looking status.
 */
import { ZebraError, showRaw } from "./zebra-error.ts";
import { ZEBRA_RAW_PORT, type ZebraRawOptions, etxCount, zebraRaw } from "./zebra-raw.ts";

/** ~HS decoded. Flags are the printer's own; nothing is inferred. */
export interface ZebraHostStatus {
  /** String 1, aaa: interface settings (baud, bits, parity) as the decimal the printer sent. */
  communicationSettings: number;
  paperOut: boolean;
  paused: boolean;
  /** Label length in dots. */
  labelLengthDots: number;
  formatsInBuffer: number;
  bufferFull: boolean;
  commDiagnosticMode: boolean;
  partialFormat: boolean;
  corruptRam: boolean;
  underTemp: boolean;
  overTemp: boolean;
  /** String 2, mmm: function settings (media type, sensor...) as the decimal sent. */
  functionSettings: number;
  headOpen: boolean;
  ribbonOut: boolean;
  thermalTransfer: boolean;
  /** Print mode letter as sent ("0" rewind, "1" peel-off, "2" tear-off, "3" cutter...). */
  printModeCode: string;
  /** The print mode's name, or "unknown" for a letter we do not know. */
  printMode: string;
  printWidthMode: number;
  labelWaiting: boolean;
  labelsRemaining: number;
  formatWhilePrinting: boolean;
  graphicsStored: number;
  /** String 3, y: static RAM installed. */
  staticRam: boolean;
  /** The three strings without STX/ETX; string 3's password field is replaced by "****". */
  raw: [string, string, string];
}

const PRINT_MODES: Record<string, string> = {
  "0": "rewind",
  "1": "peel-off",
  "2": "tear-off",
  "3": "cutter",
  "4": "applicator",
  "5": "delayed-cut",
  "6": "linerless-peel",
  "7": "linerless-rewind",
  "8": "partial-cutter",
  "9": "rfid",
  K: "kiosk",
  S: "stream",
};

/** Printer-side length of each string: fields per string, in order. */
const FIELD_COUNTS = [12, 11, 2] as const;

/** ~HS reply bytes (latin1 text) -> status. Throws `malformed` with the raw text quoted. */
export function parseHostStatus(reply: string): ZebraHostStatus {
  const fail = (why: string): never => {
    throw new ZebraError("malformed", `~HS reply ${why}: ${showRaw(redactPassword(reply))}`);
  };
  const frames: string[] = [];
  const re = /\x02([^\x02\x03]*)\x03/g;
  let last = 0;
  for (let m = re.exec(reply); m; m = re.exec(reply)) {
    if (reply.slice(last, m.index).trim() !== "") fail("has text outside the STX...ETX strings");
    frames.push(m[1]);
    last = re.lastIndex;
  }
  const rest = reply.slice(last).trim();
  if (rest.startsWith("\x02")) fail(`string ${frames.length + 1} has no ETX (cut short)`);
  if (rest !== "") fail("has text outside the STX...ETX strings");
  if (frames.length !== 3) fail(`has ${frames.length} STX...ETX strings, not 3`);
  const fields = frames.map((f, i) => {
    const parts = f.split(",");
    if (parts.length !== FIELD_COUNTS[i]) fail(`string ${i + 1} has ${parts.length} fields, not ${FIELD_COUNTS[i]}`);
    return parts;
  });
  const num = (s: number, i: number, digits = 8): number => {
    const v = fields[s][i];
    if (!new RegExp(`^\\d{1,${digits}}$`).test(v)) fail(`string ${s + 1} field ${i + 1} is not a number`);
    return Number(v);
  };
  const flag = (s: number, i: number): boolean => {
    const v = fields[s][i];
    if (v !== "0" && v !== "1") fail(`string ${s + 1} field ${i + 1} is not a 0/1 flag`);
    return v === "1";
  };
  const mode = fields[1][5];
  if (!/^[0-9A-Z]$/.test(mode)) fail("string 2 field 6 (print mode) is not one letter or digit");
  num(2, 0, 4); // the password: checked for shape, never kept
  return {
    communicationSettings: num(0, 0, 3),
    paperOut: flag(0, 1),
    paused: flag(0, 2),
    labelLengthDots: num(0, 3, 5),
    formatsInBuffer: num(0, 4, 3),
    bufferFull: flag(0, 5),
    commDiagnosticMode: flag(0, 6),
    partialFormat: flag(0, 7),
    corruptRam: flag(0, 9),
    underTemp: flag(0, 10),
    overTemp: flag(0, 11),
    functionSettings: num(1, 0, 3),
    headOpen: flag(1, 2),
    ribbonOut: flag(1, 3),
    thermalTransfer: flag(1, 4),
    printModeCode: mode,
    printMode: PRINT_MODES[mode] ?? "unknown",
    printWidthMode: num(1, 6, 1),
    labelWaiting: flag(1, 7),
    labelsRemaining: num(1, 8, 8),
    formatWhilePrinting: flag(1, 9),
    graphicsStored: num(1, 10, 3),
    staticRam: flag(2, 1),
    raw: [frames[0], frames[1], `****,${fields[2][1]}`],
  };
}

/** Hides the third string's first field (the front-panel password) in text quoted in errors. */
export function redactPassword(reply: string): string {
  let stx = -1;
  for (let n = 0; n < 3; n++) {
    stx = reply.indexOf("\x02", stx + 1);
    if (stx < 0) return reply;
  }
  return reply.slice(0, stx + 1) + reply.slice(stx + 1).replace(/^[^,\x03]*/, "****");
}

/** Options for reading a Zebra over its raw port. */
export interface ZebraReadOptions extends Pick<ZebraRawOptions, "timeoutMs" | "maxReplyBytes"> {
  /** Default 9100. */
  port?: number;
}

/** Sends ~HS to `host` and parses the three strings. */
export async function readHostStatus(host: string, options: ZebraReadOptions = {}): Promise<ZebraHostStatus> {
  const reply = await zebraRaw(host, options.port ?? ZEBRA_RAW_PORT, "~HS", {
    timeoutMs: options.timeoutMs,
    maxReplyBytes: options.maxReplyBytes ?? 4096,
    complete: etxCount(3),
  });
  return parseHostStatus(Buffer.from(reply).toString("latin1"));
}
