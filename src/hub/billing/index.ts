/** Billing: meter exports for a period (computation, limits, API rows, CSV and JSON files). */
export { type MeterSource, type MeterValue, meterAt, wordsTime } from "./meter-at.ts";
export { type MeterReset, type MeterRow, compareMeterRows, deviceMeterRows } from "./meter-rows.ts";
export { MAX_EXPORT_PAGE_DEVICES, MAX_PERIOD_DAYS, checkPeriod } from "./meter-period.ts";
export { meterRowToProto } from "./meter-row-proto.ts";
export { METER_CSV_COLUMNS, csvField, isoTime, meterCsvHeader, meterCsvLine, meterRowsToCsv } from "./meter-csv.ts";
export { meterRowsToJson } from "./meter-json.ts";
