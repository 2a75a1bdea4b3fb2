/**
 * Meter rows as AdminService messages (ExportMeters): what the API returns
 * and what the CSV and JSON encoders (meter-csv.ts, meter-json.ts) write.
 */
import { create } from "@bufbuild/protobuf";
import { type Timestamp, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { type MeterRow as MeterRowMessage, MeterRowSchema, type MeterValue as MeterValueMessage, MeterValueSchema } from "../../gen/dca/v1/admin_billing_pb.ts";
import type { MeterValue } from "./meter-at.ts";
import type { MeterRow } from "./meter-rows.ts";

const ts = (d: Date | undefined): Timestamp | undefined => (d ? timestampFromDate(d) : undefined);

function valueToProto(v: MeterValue): MeterValueMessage {
  return create(MeterValueSchema, {
    value: v.value,
    estimated: v.estimated,
    method: v.method,
    readings: v.sources.map((s) => ({ readingId: s.readingId, readAt: ts(s.readAt), value: s.value })),
  });
}

/** One computed row as the API's message. */
export function meterRowToProto(r: MeterRow): MeterRowMessage {
  return create(MeterRowSchema, {
    siteId: r.siteId,
    siteName: r.siteName,
    deviceId: r.deviceId,
    vendor: r.vendor,
    model: r.model,
    serialNumber: r.serialNumber,
    address: r.address,
    kind: r.kind,
    counterName: r.counterName,
    oid: r.oid,
    unit: r.unit,
    start: valueToProto(r.start),
    end: valueToProto(r.end),
    difference: r.difference,
    resets: r.resets.map((x) => ({ readingId: x.readingId, readAt: ts(x.readAt), value: x.value, previous: x.previous })),
    beganAt: ts(r.beganAt),
    endedAt: ts(r.endedAt),
    replaces: r.replaces,
    replacedBy: r.replacedBy,
    readingsInPeriod: r.readingsInPeriod,
    notes: r.notes,
  });
}
