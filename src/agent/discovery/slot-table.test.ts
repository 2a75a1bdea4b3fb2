import { describe, expect, test } from "bun:test";
import { FREE, QUEUED, SWEEP_ID_BIT, createSlotTable } from "./slot-table.ts";
import { probeRounds, type Attempt } from "./probe-rounds.ts";
import { MAX_REQUEST_ID } from "./probe-packets.ts";

const v4 = (address: string, port = 161) => ({ address, port, family: 4 as const });

describe("slot table", () => {
  test("an id names its slot, lies in the sweep's id range, and differs per table (salt) and per target (tag)", () => {
    const a = createSlotTable(1000, Math.random);
    const b = createSlotTable(1000, Math.random);
    const slots = Array.from({ length: 1000 }, (_, i) => a.take(v4(`127.0.${i >> 8}.${i & 255}`)));
    for (const s of slots) {
      const id = a.idOf(s);
      expect(id).toBeGreaterThanOrEqual(SWEEP_ID_BIT);
      expect(id).toBeLessThanOrEqual(MAX_REQUEST_ID);
      expect(a.slotOf(id)).toBe(s);
    }
    expect(new Set(slots.map((s) => a.idOf(s))).size).toBe(1000);
    b.take(v4("127.0.0.0"));
    expect(b.idOf(0)).not.toBe(a.idOf(0));
    // Ids outside the range, or naming a free slot, name nothing.
    expect(a.slotOf(SWEEP_ID_BIT - 1)).toBe(-1);
    expect(a.take(v4("127.9.9.9"))).toBe(-1);
  });

  test("a freed slot is reused, and a late reply to its previous target no longer matches", () => {
    const t = createSlotTable(1, Math.random);
    const first = t.take(v4("127.0.0.1"));
    const oldId = t.idOf(first);
    t.free(first);
    expect(t.state[first]).toBe(FREE);
    expect(t.slotOf(oldId)).toBe(-1);
    let again = -1;
    // A fresh tag per target: retry until it differs (a 2^-29 chance of equality per draw).
    for (;;) {
      again = t.take(v4("127.0.0.2"));
      if (t.idOf(again) !== oldId) break;
      t.free(again);
    }
    expect(again).toBe(first);
    expect(t.state[again]).toBe(QUEUED);
    expect(t.slotOf(oldId)).toBe(-1);
    expect(t.address(again)).toBe("127.0.0.2");
  });

  test("the reply's source must be the slot's target: address (any spelling) and port", () => {
    const t = createSlotTable(4, Math.random);
    const a = t.takeV4(0x7f000005, 1161);
    const b = t.take({ address: "::1", port: 161, family: 6 });
    expect(t.isFrom(a, "127.0.0.5", 1161)).toBe(true);
    expect(t.isFrom(a, "::ffff:127.0.0.5", 1161)).toBe(true);
    expect(t.isFrom(a, "127.0.0.6", 1161)).toBe(false);
    expect(t.isFrom(a, "127.0.0.5", 161)).toBe(false);
    expect(t.isFrom(b, "0:0:0:0:0:0:0:1", 161)).toBe(true);
    expect(t.isFrom(b, "127.0.0.1", 161)).toBe(false);
    expect(t.address(b)).toBe("::1");
  });
});

describe("probe rounds", () => {
  const attempt = (version: Attempt["version"], community: number | "v3" = 0): Attempt => ({ version, community, build: () => new Uint8Array() });
  const v2c = [attempt("v2c", 0), attempt("v2c", 1)];
  const v1 = [attempt("v1", 0), attempt("v1", 1)];
  const names = (rounds: Attempt[][]) => rounds.map((r) => r.map((a) => `${a.version}/${a.community}`).join(" "));

  test("versions take turns, one round each, every community in each", () => {
    expect(names(probeRounds([...v2c, ...v1], 1))).toEqual(["v2c/0 v2c/1", "v1/0 v1/1"]);
    expect(names(probeRounds([...v2c, ...v1], 2))).toEqual(["v2c/0 v2c/1", "v1/0 v1/1", "v2c/0 v2c/1"]);
    expect(names(probeRounds(v2c, 1))).toEqual(["v2c/0 v2c/1", "v2c/0 v2c/1"]);
  });

  test("with fewer rounds than versions, every round asks every version", () => {
    expect(names(probeRounds([...v2c, ...v1], 0))).toEqual(["v2c/0 v2c/1 v1/0 v1/1"]);
    expect(names(probeRounds([v2c[0], v1[0], attempt("v3", "v3")], 1))).toEqual(["v2c/0 v1/0 v3/v3", "v2c/0 v1/0 v3/v3"]);
  });
});
