/** Input trays from prtInputTable. */
import { type Tray, TrayState } from "../../gen/dca/v1/reading_pb.ts";
import { trayMessage } from "./reading-messages.ts";
import { inputTypeName } from "./mib-names.ts";
import { LOW_PERCENT } from "./supplies.ts";
import { type Table, numberOf, rowIndexes, textOf } from "./values.ts";

function trayVerdict(level: number | undefined, max: number | undefined): { state: TrayState; percent?: number } {
  if (level === undefined) return { state: TrayState.UNKNOWN };
  if (level === -1) return { state: TrayState.UNLIMITED };
  if (level === -2 || level < -3) return { state: TrayState.UNKNOWN };
  if (level === -3) return { state: TrayState.SOME_REMAINING };
  if (max === undefined || max <= 0) return { state: level === 0 ? TrayState.EMPTY : TrayState.OK };
  if (level === 0) return { state: TrayState.EMPTY, percent: 0 };
  const percent = Math.round((Math.min(level, max) / max) * 1000) / 10;
  return { state: percent <= LOW_PERCENT ? TrayState.LOW : TrayState.OK, percent };
}

export function buildTrays(inputs: Table): Tray[] {
  return rowIndexes(inputs, 9, 10, 13).map((idx) => {
    const level = numberOf(inputs.get(10)?.get(idx));
    const max = numberOf(inputs.get(9)?.get(idx));
    const v = trayVerdict(level, max);
    return trayMessage({
      index: Number(idx.split(".").pop()),
      name: textOf(inputs.get(13)?.get(idx)),
      description: textOf(inputs.get(18)?.get(idx)),
      type: inputTypeName(numberOf(inputs.get(2)?.get(idx))),
      maxCapacity: max,
      currentLevel: level,
      percent: v.percent,
      state: v.state,
      mediaName: textOf(inputs.get(12)?.get(idx)),
      mediaDimensionFeed: Math.max(0, numberOf(inputs.get(4)?.get(idx)) ?? 0),
      mediaDimensionCrossFeed: Math.max(0, numberOf(inputs.get(5)?.get(idx)) ?? 0),
    });
  });
}
