/**
 * The pure parts of counter flags: how far back a meter's last known value
 * is looked for (and how little is decoded on the way), and the comparison
 * with it. Storing and the flags of an upload: agent-api-readings-suite.ts.
 */
import { describe, expect, test } from "bun:test";
import { CounterKind } from "../../gen/dca/v1/reading_pb.ts";
import { makeReading } from "../../../test/support/hub-store-fixtures.ts";
import { type EarlierReading, LOOKBACK_MS, LOOKBACK_READINGS, compareCounters, counterKey, inLookback, lastKnownCounters } from "./counter-flags.ts";

const HOUR = 3_600_000;
const T = Date.parse("2026-03-01T00:00:00Z");
type Spec = { kind: CounterKind; value: bigint; name?: string }[];
const reading = (readAt: number, counters: Spec) => makeReading({ address: "10.0.0.5", readAt, counters });

/** Earlier readings, newest first, counting each decode. */
function earlier(list: [number, Spec][]): { readings: EarlierReading[]; decoded: number[] } {
  const decoded: number[] = [];
  const readings = list.map(([at, counters]) => ({ readAt: at, decode: () => (decoded.push(at), reading(at, counters)) }));
  return { readings, decoded };
}

const mono = (value: bigint, name = "") => ({ kind: CounterKind.MONO, value, name });
const color = (value: bigint) => ({ kind: CounterKind.COLOR, value });

describe("a meter's last known value", () => {
  test("is taken from the reading just before when it has every meter: nothing older is decoded", () => {
    const next = reading(T, [mono(10n), color(5n)]);
    const e = earlier([[T - HOUR, [mono(9n), color(4n)]], [T - 2 * HOUR, [mono(8n), color(3n)]]]);
    const known = lastKnownCounters(next, T, e.readings);
    expect([...known.values()]).toEqual([{ value: 9n, readAt: T - HOUR }, { value: 4n, readAt: T - HOUR }]);
    expect(e.decoded).toEqual([T - HOUR]);
  });

  test("past readings that missed a meter, from the newest that had it; a meter listed twice counts once, first value", () => {
    const next = reading(T, [mono(10n), color(5n)]);
    const e = earlier([[T - HOUR, [mono(9n)]], [T - 2 * HOUR, []], [T - 3 * HOUR, [color(7n), color(1n)]], [T - 4 * HOUR, [color(2n)]]]);
    const known = lastKnownCounters(next, T, e.readings);
    expect(known.get(counterKey(next.counters[1]!))).toEqual({ value: 7n, readAt: T - 3 * HOUR });
    expect(e.decoded).toEqual([T - HOUR, T - 2 * HOUR, T - 3 * HOUR]);
  });

  test("is not looked for power-on counts, nor across meters of one kind with other names", () => {
    const e = earlier([[T - HOUR, [{ kind: CounterKind.POWER_ON, value: 3n }]]]);
    expect(lastKnownCounters(reading(T, [{ kind: CounterKind.POWER_ON, value: 1n }]), T, e.readings).size).toBe(0);
    expect(e.decoded).toEqual([]);
    const named = lastKnownCounters(reading(T, [mono(10n, "a")]), T, earlier([[T - HOUR, [mono(99n, "b")]], [T - 2 * HOUR, [mono(8n, "a")]]]).readings);
    expect([...named.values()]).toEqual([{ value: 8n, readAt: T - 2 * HOUR }]);
  });

  test(`the look back: the reading just before however old, then up to ${LOOKBACK_READINGS} readings within ${LOOKBACK_MS / 86_400_000} days`, () => {
    expect(inLookback(T, T - 10 * LOOKBACK_MS, 0)).toBe(true);
    expect(inLookback(T, T - LOOKBACK_MS, 1)).toBe(true);
    expect(inLookback(T, T - LOOKBACK_MS - 1, 1)).toBe(false);
    expect(inLookback(T, T - HOUR, LOOKBACK_READINGS - 1)).toBe(true);
    expect(inLookback(T, T - HOUR, LOOKBACK_READINGS)).toBe(false);
    const e = earlier(Array.from({ length: LOOKBACK_READINGS + 5 }, (_, i): [number, Spec] => [T - (i + 1) * 60_000, i === LOOKBACK_READINGS ? [mono(1n)] : []]));
    expect(lastKnownCounters(reading(T, [mono(0n)]), T, e.readings).size).toBe(0);
    expect(e.decoded).toHaveLength(LOOKBACK_READINGS);
  });
});

describe("comparing with it", () => {
  test("flags a meter lower than its last known value, and a jump over the ceiling of the time since that was read", () => {
    const next = reading(T, [mono(9n), color(300_000n)]);
    const known = new Map([
      [counterKey(next.counters[0]!), { value: 10n, readAt: T - HOUR }],
      // Two days since color was read: the ceiling is 100,000 (50,000 a day), so 299,000 more is a jump; after six days it is not.
      [counterKey(next.counters[1]!), { value: 1000n, readAt: T - 2 * 86_400_000 }],
    ]);
    expect(compareCounters(known, next, T)).toEqual([
      { kind: CounterKind.MONO, name: "", previous: 10n, previousAt: T - HOUR, value: 9n, reason: "backwards" },
      { kind: CounterKind.COLOR, name: "", previous: 1000n, previousAt: T - 2 * 86_400_000, value: 300_000n, reason: "jump" },
    ]);
    known.set(counterKey(next.counters[1]!), { value: 1000n, readAt: T - 6 * 86_400_000 });
    expect(compareCounters(known, next, T).map((c) => c.reason)).toEqual(["backwards"]);
  });
});
