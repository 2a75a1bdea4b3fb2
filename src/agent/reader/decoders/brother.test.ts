import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { startFleet } from "../../../../test/sim/fleet.ts";
import { createNetSnmpSession } from "../../snmp/net-snmp-session.ts";
import { CounterKind } from "../../../gen/dca/v1/reading_pb.ts";
import { BROTHER_OIDS } from "../../profiles/vendors/brother.ts";
import { Tag } from "../../../common/ber.ts";
import type { VarBind } from "../../snmp/session.ts";
import {
  brotherCountersFromValue,
  brotherLevelsFromValue,
  brotherNextCareFromValue,
  decodeBrotherCounters,
  decodeBrotherMaintenance,
} from "./brother.ts";
import { secret } from "../../../common/secret.ts";

// Blocks as real printers served them, from the device data kept by Home Assistant's
// `brother` library (github.com/bieniu/brother, tests/fixtures/*.json). The library stores
// them as 7-byte hex words with the closing 0xFF cut off; it is put back here.
const bytes = (words: string[]) => Uint8Array.from(Buffer.from(`${words.join("")}ff`, "hex"));

/** DCP-L3550CDW (colour laser MFP), counter block. */
const DCP_L3550CDW_COUNTERS = bytes(["0001040000064b", "02010400000386", "010104000002c5", "0601040000021a", "080104000000ed", "0701040000012d"]);
/** DCP-L3550CDW, the toner part of its maintenance block (status, remaining 1/100 %, coarse %). */
const DCP_L3550CDW_TONER = bytes([
  "32010400000001", "700104000003e8", "8201040000000a",
  "33010400000002", "71010400000320", "8301040000000a",
  "34010400000002", "720104000000c8", "8401040000000a",
  "31010400000001", "6f010400000a28", "8101040000001e",
  "690104000025e4", "6a0104000025e4", "7301040000064b",
]);
/** HL-L2340DW (mono laser), maintenance block. */
const HL_L2340DW_MAINTENANCE = bytes(["63010400000001", "110104000003da", "410104000023f0", "31010400000001", "6f010400001d4c", "81010400000050", "8601040000000a"]);
/** A legacy model's maintenance block, as the library's comments quote it: level and full scale. */
const LEGACY_MAINTENANCE = bytes(["a101020414", "a201020c14", "a301020614", "a401020b14"]);

const octets = (oid: string, value: Uint8Array): VarBind => ({ oid, tag: Tag.OctetString, value });

describe("Brother counter block", () => {
  test("decodes every record of a real block", () => {
    expect(decodeBrotherCounters(DCP_L3550CDW_COUNTERS)).toEqual([
      { code: 0x00, value: 1611 },
      { code: 0x02, value: 902 },
      { code: 0x01, value: 709 },
      { code: 0x06, value: 538 },
      { code: 0x08, value: 237 },
      { code: 0x07, value: 301 },
    ]);
  });

  test("total = mono + colour, and each counter names the block's OID and its code", () => {
    const r = brotherCountersFromValue(octets(BROTHER_OIDS.counters, DCP_L3550CDW_COUNTERS));
    expect(r.problems).toEqual([]);
    const got = r.counters.map((c) => [CounterKind[c.kind], Number(c.value), c.oid, c.name]);
    expect(got).toEqual([
      ["TOTAL", 1611, BROTHER_OIDS.counters, "brother total pages (code 00)"],
      ["COLOR", 902, BROTHER_OIDS.counters, "brother colour pages (code 02)"],
      ["MONO", 709, BROTHER_OIDS.counters, "brother black & white pages (code 01)"],
      ["DUPLEX", 538, BROTHER_OIDS.counters, "brother duplex unit pages (code 06)"],
      ["OTHER", 237, BROTHER_OIDS.counters, "brother counter (code 08)"],
      ["OTHER", 301, BROTHER_OIDS.counters, "brother counter (code 07)"],
    ]);
    expect(Number(r.counters[0].value)).toBe(Number(r.counters[1].value) + Number(r.counters[2].value));
  });

  test("a malformed block is one problem and no counters, never a 0", () => {
    for (const bad of [
      Uint8Array.from([0x00, 0x01, 0x04, 0x00, 0x00]), // cut short
      Uint8Array.from([0x00, 0x07, 0x04, 0x00, 0x00, 0x00, 0x01, 0xff]), // wrong marker
      Uint8Array.from([0x00, 0x01, 0x09, 0x00, 0x00, 0x00, 0x01, 0xff]), // length past the end
    ]) {
      expect(() => decodeBrotherCounters(bad)).toThrow(expect.objectContaining({ code: "malformed" }));
      const r = brotherCountersFromValue(octets(BROTHER_OIDS.counters, bad));
      expect(r.counters).toEqual([]);
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0].oid).toBe(BROTHER_OIDS.counters);
      expect(r.problems[0].message).toContain("counter block is malformed");
    }
  });

  test("an empty block, a missing value or a non-string gives nothing", () => {
    expect(decodeBrotherCounters(Uint8Array.from([0xff]))).toEqual([]);
    expect(brotherCountersFromValue(undefined)).toEqual({ counters: [], problems: [] });
    expect(brotherCountersFromValue({ oid: BROTHER_OIDS.counters, tag: Tag.Integer, value: 5 })).toEqual({ counters: [], problems: [] });
  });
});

describe("Brother maintenance block", () => {
  test("reads remaining life in 1/100 %, coarse percents and status codes of a colour laser", () => {
    const r = brotherLevelsFromValue(octets(BROTHER_OIDS.maintenance, DCP_L3550CDW_TONER));
    expect(r.problems).toEqual([]);
    expect(r.levels.map((l) => [l.item, l.percent ?? l.state])).toEqual([
      ["cyan toner", "ok"],
      ["cyan toner", 10],
      ["cyan toner", 10],
      ["magenta toner", "low"],
      ["magenta toner", 8],
      ["magenta toner", 10],
      ["yellow toner", "low"],
      ["yellow toner", 2],
      ["yellow toner", 10],
      ["black toner", "ok"],
      ["black toner", 26],
      ["black toner", 30],
      ["belt unit", 97],
      ["fuser", 97],
    ]);
    expect(r.levels[1].basis).toBe("brother maintenance code 70: remaining life in 1/100 %");
  });

  test("a mono laser: drum 92 %, toner 75 %; part page counts are not levels", () => {
    const records = decodeBrotherMaintenance(HL_L2340DW_MAINTENANCE);
    expect(records.find((r) => r.code === 0x11)).toEqual({ code: 0x11, value: 986 });
    const r = brotherLevelsFromValue(octets(BROTHER_OIDS.maintenance, HL_L2340DW_MAINTENANCE));
    expect(r.levels.map((l) => [l.code, l.item, l.percent ?? l.state])).toEqual([
      [0x41, "drum", 92],
      [0x31, "black toner", "ok"],
      [0x6f, "black toner", 75],
      [0x81, "black toner", 80],
    ]);
  });

  test("legacy records are a level and its full scale", () => {
    expect(decodeBrotherMaintenance(LEGACY_MAINTENANCE)).toEqual([
      { code: 0xa1, value: 4, max: 20 },
      { code: 0xa2, value: 12, max: 20 },
      { code: 0xa3, value: 6, max: 20 },
      { code: 0xa4, value: 11, max: 20 },
    ]);
    const r = brotherLevelsFromValue(octets(BROTHER_OIDS.maintenance, LEGACY_MAINTENANCE));
    expect(r.levels.map((l) => [l.item, l.percent, l.basis])).toEqual([
      ["black toner", 20, "brother maintenance code a1: 4 of 20 steps"],
      ["cyan toner", 60, "brother maintenance code a2: 12 of 20 steps"],
      ["magenta toner", 30, "brother maintenance code a3: 6 of 20 steps"],
      ["yellow toner", 55, "brother maintenance code a4: 11 of 20 steps"],
    ]);
  });

  test("impossible values are problems, not levels", () => {
    const block = bytes(["6f01040000ffff", "31010400000009", "a101022014"]);
    const r = brotherLevelsFromValue(octets(BROTHER_OIDS.maintenance, block));
    expect(r.levels).toEqual([]);
    expect(r.problems.map((p) => p.message)).toEqual([
      "brother maintenance code 6f: 655.35 % is out of range",
      "brother maintenance code 31: unknown status 9",
      "brother maintenance code a1: level 32 of 20 is not a level",
    ]);
  });
});

describe("Brother next-care block", () => {
  test("pages left per part; codes of unknown meaning are left out", () => {
    // HL-L2340DW's 86 record sits in its maintenance block; here a next-care block in the same form.
    const block = bytes(["8201040000283c", "89010400027a60", "7301040004248c", "99010400000007"]);
    const r = brotherNextCareFromValue(octets(BROTHER_OIDS.nextCare, block));
    expect(r.problems).toEqual([]);
    expect(r.levels.map((l) => `${l.item} ${l.remainingPages}`)).toEqual(["drum 10300", "fuser 162400", "laser unit 271500"]);
    expect(r.levels[0]?.basis).toBe("brother next-care code 82: 10300 pages left");
  });

  test("a malformed block is one problem and nothing else", () => {
    const r = brotherNextCareFromValue(octets(BROTHER_OIDS.nextCare, Uint8Array.from([0x82, 0x02, 0x04, 0, 0, 0, 1, 0xff])));
    expect([r.levels.length, r.problems.length]).toEqual([0, 1]);
    expect(r.problems[0]?.message).toContain("next-care block is malformed");
  });
});

describe("Brother blocks over SNMP", () => {
  test("the blocks of the brother-hl-l3270cdw recording, fetched on loopback, decode", async () => {
    const file = join(import.meta.dir, "../../../../test/fixtures/profiles/brother-hl-l3270cdw.snmprec");
    const fleet = await startFleet({ dataDir: { address: "127.0.0.1", recordings: [file] } });
    const session = createNetSnmpSession(
      { host: "127.0.0.1", port: fleet.dataDir!.port, timeoutMs: 1000, retries: 1 },
      { name: "test", version: "v2c", community: secret("brother-hl-l3270cdw") },
    );
    try {
      const [counters, maintenance] = await session.get([BROTHER_OIDS.counters, BROTHER_OIDS.maintenance]);
      const c = brotherCountersFromValue(counters);
      const kinds = Object.fromEntries(c.counters.filter((x) => x.kind !== CounterKind.OTHER).map((x) => [CounterKind[x.kind], Number(x.value)]));
      expect(kinds).toEqual({ TOTAL: 5230, MONO: 2890, COLOR: 2340, DUPLEX: 1204 });
      const toner = brotherLevelsFromValue(maintenance).levels.filter((l) => l.code >= 0x6f && l.code <= 0x72);
      expect(toner.map((l) => [l.item, l.percent])).toEqual([
        ["black toner", 45],
        ["cyan toner", 72],
        ["magenta toner", 9],
        ["yellow toner", 61],
      ]);
    } finally {
      session.close();
      await fleet.stop();
    }
  });
});
