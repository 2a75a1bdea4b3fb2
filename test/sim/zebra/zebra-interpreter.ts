/**
 * The simulated printer's command interpreter, fed the byte stream of one
 * connection (raw port) or one LPD data file. It answers ~HS, ~HQxx and SGD
 * getvar, applies setvar, ~RO and ^MA, and prints ZPL formats by counting
 * their labels into the odometer. Unknown input is skipped, as a printer does.
 */
import { type ZebraSimState, formatHostStatus, formatOdometer } from "./zebra-state.ts";

/** One connection's interpreter. */
export interface ZebraInterpreter {
  /** Takes more bytes; returns the replies they caused (possibly empty). */
  feed(bytes: Uint8Array): Uint8Array;
  /** Bytes held back waiting for the rest of a command. */
  readonly pending: number;
}

/** Creates an interpreter over `state` (shared by every connection). */
export function createZebraInterpreter(state: ZebraSimState): ZebraInterpreter {
  let buffer = "";
  const reply = (command: string, text: () => string): Uint8Array | string => {
    if (state.silent.has(command)) return "";
    return state.overrides.get(command) ?? text();
  };

  /** Handles one command at the head of `buffer`; returns [consumed, reply] or undefined to wait for more. */
  function step(b: string): [number, Uint8Array | string] | undefined {
    if (/^\s/.test(b)) return [1, ""];
    if (b.startsWith("~HS")) return [3, reply("~HS", () => formatHostStatus(state))];
    if (b.startsWith("~HQ")) {
      if (b.length < 5) return undefined;
      const which = b.slice(3, 5);
      if (which === "OD") return [5, reply("~HQOD", () => formatOdometer(state))];
      return [5, reply(`~HQ${which}`, () => "\x02\r\n\x03\r\n")];
    }
    if (b.startsWith("~RO")) {
      if (b.length < 4) return undefined;
      if (b[3] === "1") state.resettableInches[0] = 0;
      if (b[3] === "2") state.resettableInches[1] = 0;
      return [4, ""];
    }
    if (b.startsWith("^XA")) {
      const end = b.indexOf("^XZ");
      if (end < 0) return undefined;
      printFormat(b.slice(3, end));
      return [end + 3, ""];
    }
    if (b.startsWith("!")) {
      const eol = b.search(/\r?\n/);
      if (eol < 0) return b.length > 4096 ? [b.length, ""] : undefined;
      const line = b.slice(0, eol);
      return [eol + (b[eol] === "\r" ? 2 : 1), sgd(line)];
    }
    if ("~^!".includes(b[0])) {
      // An unknown ~XX or ^XX command outside a format: skip its two letters.
      return b.length < 3 ? undefined : [3, ""];
    }
    const next = b.slice(1).search(/[~^!]/);
    return [next < 0 ? b.length : next + 1, ""];
  }

  function printFormat(body: string) {
    const ma = /\^MA[^~^]*?,[^~^]*?,[^~^]*?,[^~^]*?,([IC])/.exec(body);
    if (ma) state.odometerUnit = ma[1] === "C" ? "cm" : "inches";
    if (!/\^F[DO]/.test(body)) return; // a settings-only format prints nothing
    const qty = /\^PQ(\d{1,6})/.exec(body);
    const labels = qty ? Math.max(1, Number(qty[1])) : 1;
    state.labelsPrinted += labels;
    const inches = labels * state.labelLengthInches;
    state.totalInches += inches;
    state.resettableInches = [state.resettableInches[0] + inches, state.resettableInches[1] + inches];
  }

  function sgd(line: string): Uint8Array | string {
    const m = /^!\s*U1\s+(getvar|setvar|do)\s+"([^"]*)"(?:\s+"([^"]*)")?\s*$/i.exec(line);
    if (!m) return "";
    const [, verb, name, value] = m;
    if (verb.toLowerCase() === "getvar") return reply("getvar", () => `"${state.sgd.get(name) ?? "?"}"`);
    if (value !== undefined) state.sgd.set(name, value);
    return "";
  }

  return {
    feed(bytes) {
      buffer += Buffer.from(bytes).toString("latin1");
      const out: Buffer[] = [];
      for (;;) {
        if (buffer.length === 0) break;
        const r = step(buffer);
        if (!r) break;
        buffer = buffer.slice(r[0]);
        if (r[1].length > 0) out.push(typeof r[1] === "string" ? Buffer.from(r[1], "latin1") : Buffer.from(r[1]));
      }
      return new Uint8Array(Buffer.concat(out));
    },
    get pending() {
      return buffer.length;
    },
  };
}
