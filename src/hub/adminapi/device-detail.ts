/**
 * GetDevice: one device in full for its page. The listing row, then what
 * its newest reading says (identity, status, alerts, supplies with their
 * state in words, every counter with its OID, trays, problems), the
 * addresses it was seen at, its counter flags and a page of its readings.
 * Supplies are passed as read: a level of -3 stays "some remaining", never
 * a percentage.
 */
import { create } from "@bufbuild/protobuf";
import { DcaError } from "../../common/errors.ts";
import { supplyKindLabel, supplyNeedsAttention, supplyStateLabel } from "../../common/supply-state.ts";
import {
  DeviceIdentitySchema,
  type GetDeviceRequest,
  type GetDeviceResponse,
  GetDeviceResponseSchema,
  type ReadingSummary,
  ReadingSummarySchema,
  SupplyViewSchema,
} from "../../gen/dca/v1/admin_portal_pb.ts";
import { CounterKind } from "../../gen/dca/v1/reading_pb.ts";
import type { DeviceAdminStore, DeviceSummary, FleetViewStore, SiteAdminStore, StoredReading } from "../store/index.ts";
import { deviceHealth } from "../store/index.ts";
import { HEALTH_VALUES } from "./device-query-args.ts";
import { siteNames } from "./fleet-access.ts";
import { counterFlagToProto, deviceToProto } from "./fleet-to-proto.ts";
import { ts } from "./to-proto.ts";

/** Readings per history page unless asked otherwise. */
export const DEFAULT_HISTORY_PAGE = 20;
/** The most readings one history page holds. */
export const MAX_HISTORY_PAGE = 200;
/** The newest counter flags a device page shows (`device flags --device` lists them all). */
export const MAX_DEVICE_FLAGS = 50;

/** What the device page reads of the store. */
export type DeviceDetailStore = Pick<FleetViewStore, "latestReading" | "addressHistory" | "readingPage"> &
  Pick<DeviceAdminStore, "listCounterFlags"> &
  Pick<SiteAdminStore, "listSites">;

/** A reading's status in one line, as the devices row keeps it. */
const statusText = (r: StoredReading["reading"]) => (r.status ? [r.status.deviceStatus, r.status.printerStatus, ...r.status.detectedErrors].filter(Boolean).join(", ") : "");

function summaryOf(s: StoredReading): ReadingSummary {
  const status = statusText(s.reading);
  return create(ReadingSummarySchema, {
    id: s.id,
    readAt: ts(s.readAt),
    receivedAt: ts(s.receivedAt),
    address: s.address,
    agentId: s.agentId,
    taskId: s.taskId,
    totalPages: s.reading.counters.find((c) => c.kind === CounterKind.TOTAL)?.value,
    status,
    health: HEALTH_VALUES[deviceHealth(status)],
    problems: s.reading.problems.length,
  });
}

/** The page of a device the caller may see (the handler checked it). */
export function deviceDetail(store: DeviceDetailStore, device: DeviceSummary, req: GetDeviceRequest): GetDeviceResponse {
  if (req.readingsPageSize > MAX_HISTORY_PAGE) throw new DcaError("invalid-argument", `a history page holds 1 to ${MAX_HISTORY_PAGE} readings; got ${req.readingsPageSize}`);
  const pageSize = req.readingsPageSize || DEFAULT_HISTORY_PAGE;
  const latest = store.latestReading(device.id);
  const page = store.readingPage(device.id, pageSize, req.readingsOffset);
  const out = create(GetDeviceResponseSchema, {
    device: deviceToProto(device, siteNames(store)),
    addresses: store.addressHistory(device.id).map((a) => ({ address: a.address, firstSeen: ts(a.firstSeen), lastSeen: ts(a.lastSeen), readings: BigInt(a.readings) })),
    flags: store.listCounterFlags({ deviceId: device.id }).slice(0, MAX_DEVICE_FLAGS).map(counterFlagToProto),
    readings: page.readings.map(summaryOf),
    readingsTotal: BigInt(page.total),
  });
  if (!latest) return out;
  const r = latest.reading;
  out.identity = create(DeviceIdentitySchema, {
    vendor: r.vendor || device.vendor,
    model: r.model || device.model,
    // A read that failed to get the serial or MAC keeps the known one (as the devices row does).
    serialNumber: r.serialNumber.trim() || device.serialNumber,
    macAddress: r.macAddress || device.macAddress,
    firmware: r.firmware,
    networkFirmware: r.networkFirmware,
    hostname: r.hostname,
    sysObjectId: r.sysObjectId,
    sysDescr: r.sysDescr,
    sysLocation: r.sysLocation,
    sysContact: r.sysContact,
    profile: r.profile,
  });
  out.status = r.status;
  out.alerts = r.alerts;
  out.console = r.console;
  out.supplies = r.supplies.map((s) =>
    create(SupplyViewSchema, { supply: s, stateLabel: supplyStateLabel(s), attention: supplyNeedsAttention(s), kind: supplyKindLabel(s.type) }),
  );
  out.trays = r.trays;
  out.counters = r.counters;
  out.problems = r.problems;
  out.latestReadingId = latest.id;
  out.latestReadAt = ts(latest.readAt);
  return out;
}
