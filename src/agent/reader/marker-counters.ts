/** Page counters from prtMarkerTable (lifetime and since power-on, per marker). */
import { create } from "@bufbuild/protobuf";
import { type Counter, CounterKind, CounterUnit, type ReadProblem, ReadProblemSchema } from "../../gen/dca/v1/reading_pb.ts";
import { counterMessage } from "./reading-messages.ts";
import { type Table, meterOf, numberOf, rowIndexes, textOf, whyNotANumber } from "./values.ts";

/** PrtMarkerCounterUnitTC to our unit enum. */
const UNITS: Record<number, CounterUnit> = {
  3: CounterUnit.TEN_THOUSANDTHS_OF_INCHES,
  4: CounterUnit.MICROMETERS,
  5: CounterUnit.CHARACTERS,
  6: CounterUnit.LINES,
  7: CounterUnit.IMPRESSIONS,
  8: CounterUnit.SHEETS,
  9: CounterUnit.DOT_ROW,
  11: CounterUnit.HOURS,
  16: CounterUnit.FEET,
  17: CounterUnit.METERS,
};

/**
 * The life and power-on counters of each marker. A value that is no meter
 * (negative, beyond its type, not a number) goes into `problems`, never into
 * the counters: a wrong page count is worse than a missing one.
 */
export function buildMarkerCounters(markers: Table, problems: ReadProblem[] = []): Counter[] {
  const out: Counter[] = [];
  for (const idx of rowIndexes(markers, 4, 5)) {
    const unit = UNITS[numberOf(markers.get(3)?.get(idx)) ?? 0] ?? CounterUnit.UNSPECIFIED;
    const markerIndex = Number(idx.split(".").pop());
    const meters = [
      { vb: markers.get(4)?.get(idx), kind: markerIndex === 1 ? CounterKind.TOTAL : CounterKind.OTHER, name: `prtMarkerLifeCount (marker ${markerIndex})` },
      { vb: markers.get(5)?.get(idx), kind: CounterKind.POWER_ON, name: `prtMarkerPowerOnCount (marker ${markerIndex})` },
    ];
    for (const { vb, kind, name } of meters) {
      if (!vb) continue;
      const value = meterOf(vb);
      if (value === undefined) {
        const why = numberOf(vb) === undefined ? whyNotANumber(vb) : `${textOf(vb)} is negative`;
        problems.push(create(ReadProblemSchema, { section: "counters", oid: vb.oid, message: `${name}: ${why}; not a meter` }));
        continue;
      }
      out.push(counterMessage({ kind, value, unit, oid: vb.oid, name, markerIndex }));
    }
  }
  return out;
}
