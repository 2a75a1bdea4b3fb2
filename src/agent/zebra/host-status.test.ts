import { describe, expect, test } from "bun:test";
import { parseHostStatus, redactPassword } from "./host-status.ts";
import { ZebraError } from "./zebra-error.ts";

// Layout from the ZPL II Programming Guide, ~HS "Host Status Return"; values as a
// ZT410 on tear-off with 203 dpi 6" labels, two labels left in a batch, head open.
const READY =
  "\x02030,0,0,1218,000,0,0,0,000,0,0,0\x03\r\n" + "\x02001,0,0,0,1,2,6,0,00000000,1,000\x03\r\n" + "\x021234,0\x03\r\n";

function expectMalformed(text: string, says: RegExp): ZebraError {
  try {
    parseHostStatus(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ZebraError);
    expect((e as ZebraError).code).toBe("malformed");
    expect((e as Error).message).toMatch(says);
    return e as ZebraError;
  }
  throw new Error("parsed without error");
}

describe("parseHostStatus", () => {
  test("a ready printer", () => {
    const s = parseHostStatus(READY);
    expect(s).toMatchObject({
      communicationSettings: 30,
      paperOut: false,
      paused: false,
      headOpen: false,
      ribbonOut: false,
      labelLengthDots: 1218,
      thermalTransfer: true,
      printModeCode: "2",
      printMode: "tear-off",
      printWidthMode: 6,
      labelsRemaining: 0,
      formatWhilePrinting: true,
      staticRam: false,
    });
    expect(s.raw).toEqual(["030,0,0,1218,000,0,0,0,000,0,0,0", "001,0,0,0,1,2,6,0,00000000,1,000", "****,0"]);
  });

  test("every flag lands in its own field", () => {
    const s = parseHostStatus(
      "\x02030,1,1,0406,003,1,0,1,000,1,1,0\x03\r\n\x02001,0,1,1,0,K,6,1,00000042,1,007\x03\r\n\x020000,1\x03\r\n",
    );
    expect(s).toMatchObject({
      paperOut: true,
      paused: true,
      labelLengthDots: 406,
      formatsInBuffer: 3,
      bufferFull: true,
      commDiagnosticMode: false,
      partialFormat: true,
      corruptRam: true,
      underTemp: true,
      overTemp: false,
      headOpen: true,
      ribbonOut: true,
      thermalTransfer: false,
      printMode: "kiosk",
      labelWaiting: true,
      labelsRemaining: 42,
      graphicsStored: 7,
      staticRam: true,
    });
  });

  test("without CR LF between strings (some firmware) and split oddly", () => {
    expect(parseHostStatus(READY.replace(/\r\n/g, "")).labelLengthDots).toBe(1218);
  });

  test("wrong field counts, garbage and truncation are clear errors", () => {
    expectMalformed(READY.replace("1218,", ""), /string 1 has 11 fields, not 12/);
    expectMalformed(READY.slice(0, 60), /string 2 has no ETX \(cut short\)/);
    expectMalformed(READY.slice(0, 72), /has 2 STX...ETX strings, not 3/);
    expectMalformed("", /has 0 STX...ETX strings/);
    expectMalformed("HTTP/1.1 400 Bad Request\r\n\r\n", /text outside/);
    expectMalformed(READY.replace("0,0,1218", "0,2,1218"), /string 1 field 3 is not a 0\/1 flag/);
    expectMalformed(READY.replace("1218", "12a8"), /string 1 field 4 is not a number/);
    expectMalformed(READY.replace(",2,6,", ",\x1b,6,"), /print mode/);
    expectMalformed(READY + "junk", /text outside/);
  });

  test("the error quotes the raw reply escaped, cut short, and without the password", () => {
    const hostile = READY.replace("1218", "\x1b[31m") + "A".repeat(5000);
    const e = expectMalformed(hostile, /<STX>030,0,0,\\x1b\[31m/);
    expect(e.message).not.toContain("\x1b");
    expect(e.message.length).toBeLessThan(400);
    const wrong = expectMalformed(READY.replace("1,000", "1,000,9"), /string 2 has 12 fields/);
    expect(wrong.message).toContain("****,0");
    expect(wrong.message).not.toContain("1234");
  });

  test("redactPassword hides only the third string's first field", () => {
    expect(redactPassword(READY)).toBe(READY.replace("1234", "****"));
    expect(redactPassword("\x02only one\x03")).toBe("\x02only one\x03");
  });
});
