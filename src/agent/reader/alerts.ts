/** prtAlertTable rows and console display lines. */
import { create } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import { type Alert, AlertSchema } from "../../gen/dca/v1/reading_pb.ts";
import { alertCodeName, alertGroupName, alertSeverityName, alertTrainingName } from "./mib-names.ts";
import { type Table, numberOf, rowIndexes, textOf } from "./values.ts";

/** SNMP TimeTicks (1/100 s) as a protobuf Duration. */
export function ticksToDuration(ticks: number) {
  return create(DurationSchema, { seconds: BigInt(Math.floor(ticks / 100)), nanos: (ticks % 100) * 10_000_000 });
}

/** Alert tables are bounded by the MIB, but a broken agent may loop: keep the first 200. */
const MAX_ALERTS = 200;

export function buildAlerts(alerts: Table): Alert[] {
  return rowIndexes(alerts, 2, 7, 8)
    .slice(0, MAX_ALERTS)
    .map((idx) => {
      const code = numberOf(alerts.get(7)?.get(idx));
      const time = numberOf(alerts.get(9)?.get(idx));
      return create(AlertSchema, {
        index: Number(idx.split(".").pop()),
        severity: alertSeverityName(numberOf(alerts.get(2)?.get(idx))),
        trainingLevel: alertTrainingName(numberOf(alerts.get(3)?.get(idx))),
        group: alertGroupName(numberOf(alerts.get(4)?.get(idx))),
        groupIndex: numberOf(alerts.get(5)?.get(idx)) ?? 0,
        location: numberOf(alerts.get(6)?.get(idx)) ?? 0,
        code: alertCodeName(code),
        codeValue: code ?? 0,
        description: textOf(alerts.get(8)?.get(idx)),
        time: time !== undefined ? ticksToDuration(time) : undefined,
      });
    });
}

export function buildConsole(console: Table): string[] {
  return rowIndexes(console, 2)
    .map((idx) => textOf(console.get(2)?.get(idx)))
    .filter((s) => s !== "")
    .slice(0, 32);
}
