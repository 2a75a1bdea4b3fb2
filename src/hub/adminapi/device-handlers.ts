/**
 * AdminService: devices, their readings (the meters billing tools fetch)
 * and counter flags (the `device` commands). Listings show the sites where
 * the caller has device.read; a device's readings need meter.read on its site.
 * ListDevices filters, sorts and pages in the store's SQL (the portal's table
 * at 10,000 devices), over the caller's sites only, so its total is theirs.
 */
import type { ServiceImpl } from "@connectrpc/connect";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { DcaError } from "../../common/errors.ts";
import type { DeviceAdminStore, FleetViewStore, SiteAdminStore } from "../store/index.ts";
import { note, visible } from "./admin-call.ts";
import { idArg, rowFor, siteFilter, siteNames } from "./fleet-access.ts";
import { counterFlagToProto, deviceToProto, storedReadingToProto } from "./fleet-to-proto.ts";
import { deviceQueryOf, sitesOf } from "./device-query-args.ts";

type DeviceMethods = "listDevices" | "listMissedDevices" | "listReadings" | "listCounterFlags";

/** What the device handlers use of the store. */
export type DeviceHandlerStore = Pick<DeviceAdminStore, "getDevice" | "missedReads" | "listReadings" | "listCounterFlags"> &
  Pick<FleetViewStore, "queryDevices" | "deviceFacets"> &
  Pick<SiteAdminStore, "getSite" | "listSites">;

/** Readings one call returns unless asked for fewer or more. */
export const DEFAULT_READINGS_PER_CALL = 100;
/** The most readings one call returns (a reading is a few kilobytes; page with `until`). */
export const MAX_READINGS_PER_CALL = 10_000;
/** `device missed` without a period: devices not read for a day. */
export const DEFAULT_NOT_READ_FOR_SECONDS = 86_400;

/** The device, reading and counter-flag methods over the store. */
export function createDeviceHandlers(store: DeviceHandlerStore): Pick<ServiceImpl<typeof AdminService>, DeviceMethods> {
  return {
    listDevices(req, ctx) {
      const sites = sitesOf(ctx, "device.read", siteFilter(ctx, store, "device.read", req.site));
      const { devices, total } = store.queryDevices(deviceQueryOf(req, sites));
      const names = siteNames(store);
      const facets = req.withFacets ? store.deviceFacets(sites) : { vendors: [], models: [] };
      return { devices: devices.map((d) => deviceToProto(d, names)), total, ...facets };
    },
    listMissedDevices(req, ctx) {
      const site = siteFilter(ctx, store, "device.read", req.site);
      const olderThanMs = (req.notReadForSeconds ?? DEFAULT_NOT_READ_FOR_SECONDS) * 1000;
      const names = siteNames(store);
      return { devices: visible(ctx, "device.read", store.missedReads({ olderThanMs, siteId: site?.id })).map((d) => deviceToProto(d, names)) };
    },
    listReadings(req, ctx) {
      const id = idArg(req.device, "device");
      const device = rowFor(ctx, "meter.read", "device", id, store.getDevice(id));
      if (req.limit > MAX_READINGS_PER_CALL) {
        throw new DcaError("invalid-argument", `limit must be between 1 and ${MAX_READINGS_PER_CALL} (page back with "until": the read time of the oldest reading you got)`);
      }
      const limit = req.limit || DEFAULT_READINGS_PER_CALL;
      const since = req.since ? timestampDate(req.since) : undefined;
      const until = req.until ? timestampDate(req.until) : undefined;
      if (since && until && since.getTime() >= until.getTime()) throw new DcaError("invalid-argument", "since must be before until");
      const readings = store.listReadings(device.id, { limit, since, until });
      note(ctx, { detail: { since: since?.toISOString(), until: until?.toISOString(), limit, readings: readings.length } });
      return { device: deviceToProto(device, siteNames(store)), readings: readings.map(storedReadingToProto) };
    },
    listCounterFlags(req, ctx) {
      const site = siteFilter(ctx, store, "device.read", req.site);
      const deviceId = req.device.trim() === "" ? undefined : idArg(req.device, "device");
      if (deviceId !== undefined) rowFor(ctx, "device.read", "device", deviceId, store.getDevice(deviceId));
      const flags = visible(ctx, "device.read", store.listCounterFlags({ deviceId, siteId: site?.id }));
      return { flags: flags.map(counterFlagToProto) };
    },
  };
}
