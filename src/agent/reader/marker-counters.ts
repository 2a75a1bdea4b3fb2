/** Page counters from prtMarkerTable (lifetime and since power-on, per marker). */
import { type Counter, CounterKind, CounterUnit } from "../../gen/dca/v1/reading_pb.ts";
import { counterMessage } from "./reading-messages.ts";
import { type Table, meterOf, numberOf, rowIndexes } from "./values.ts";

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

export function buildMarkerCounters(markers: Table): Counter[] {
  const out: Counter[] = [];
  for (const idx of rowIndexes(markers, 4, 5)) {
    const unit = UNITS[numberOf(markers.get(3)?.get(idx)) ?? 0] ?? CounterUnit.UNSPECIFIED;
    const markerIndex = Number(idx.split(".").pop());
    const life = markers.get(4)?.get(idx);
    const lifeValue = meterOf(life);
    if (life && lifeValue !== undefined) {
      out.push(
        counterMessage({
          kind: markerIndex === 1 ? CounterKind.TOTAL : CounterKind.OTHER,
          value: lifeValue,
          unit,
          oid: life.oid,
          name: `prtMarkerLifeCount (marker ${markerIndex})`,
          markerIndex,
        }),
      );
    }
    const power = markers.get(5)?.get(idx);
    const powerValue = meterOf(power);
    if (power && powerValue !== undefined) {
      out.push(
        counterMessage({
          kind: CounterKind.POWER_ON,
          value: powerValue,
          unit,
          oid: power.oid,
          name: `prtMarkerPowerOnCount (marker ${markerIndex})`,
          markerIndex,
        }),
      );
    }
  }
  return out;
}
