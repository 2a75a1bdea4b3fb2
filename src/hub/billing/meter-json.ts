/**
 * Meter rows as one JSON document: the period and the rows in the API's own
 * JSON form (ExportMeters over Connect; 64-bit values as strings, times as
 * RFC 3339, enums by name), every field written, so a file and an API answer
 * read the same and a 0 is a 0, not a missing field.
 */
import { type MeterRow, MeterRowSchema } from "../../gen/dca/v1/admin_billing_pb.ts";
import { messageToJson } from "../../common/message-json.ts";
import type { MeterPeriod } from "../store/index.ts";

/** The document: `{"period": {"start", "end"}, "rows": [...]}`, indented, with a final newline. */
export function meterRowsToJson(period: MeterPeriod, rows: readonly MeterRow[]): string {
  const doc = {
    period: { start: period.start.toISOString(), end: period.end.toISOString() },
    rows: rows.map((r) => messageToJson(MeterRowSchema, r)),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
