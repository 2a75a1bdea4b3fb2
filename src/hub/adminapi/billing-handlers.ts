/**
 * AdminService: meter exports for billing (issue 15). A listing over the
 * sites where the caller may read meters (meter.read: the billing role's
 * "meters and exports only", and every reading role), paged by device so
 * that a call stays bounded however large the fleet; each page's rows come
 * from src/hub/billing. The audit log records every export (a sensitive
 * read): who took which period of which sites' meters.
 */
import type { ServiceImpl } from "@connectrpc/connect";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { DcaError } from "../../common/errors.ts";
import { MAX_EXPORT_PAGE_DEVICES, checkPeriod, compareMeterRows, deviceMeterRows, meterRowToProto } from "../billing/index.ts";
import type { MeterCursor, MeterHistoryStore, SiteAdminStore } from "../store/index.ts";
import { callerOf, note } from "./admin-call.ts";
import { idArg, rowFor, siteFilter, siteNames } from "./fleet-access.ts";

/** What the billing handlers use of the store. */
export type BillingHandlerStore = MeterHistoryStore & Pick<SiteAdminStore, "getSite" | "listSites">;

const TOKEN_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** The opaque page token: where the next page starts. */
const tokenOf = (c: MeterCursor): string => Buffer.from(`${c.siteId}\n${c.deviceId}`).toString("base64url");

function cursorOf(token: string): MeterCursor | undefined {
  if (token === "") return undefined;
  const [siteId = "", deviceId = "", ...rest] = token.length <= 400 ? Buffer.from(token, "base64url").toString().split("\n") : [];
  if (rest.length || !TOKEN_ID.test(siteId) || !TOKEN_ID.test(deviceId)) {
    throw new DcaError("invalid-argument", "that page token is not one this hub gave; start again without it");
  }
  return { siteId, deviceId };
}

/** The meter export method over the store. */
export function createBillingHandlers(store: BillingHandlerStore): Pick<ServiceImpl<typeof AdminService>, "exportMeters"> {
  return {
    exportMeters(req, ctx) {
      const period = checkPeriod(req.start && timestampDate(req.start), req.end && timestampDate(req.end));
      if (req.pageSize > MAX_EXPORT_PAGE_DEVICES) throw new DcaError("invalid-argument", `page_size must be between 1 and ${MAX_EXPORT_PAGE_DEVICES} devices (0: ${MAX_EXPORT_PAGE_DEVICES})`);
      const pageSize = req.pageSize || MAX_EXPORT_PAGE_DEVICES;
      const after = cursorOf(req.pageToken.trim());
      const site = siteFilter(ctx, store, "meter.read", req.site);
      const sitesWith = callerOf(ctx).sitesWith("meter.read");
      const siteIds = site ? [site.id] : sitesWith === "all" ? "all" : [...sitesWith].sort();
      let deviceId: string | undefined;
      if (req.device.trim() !== "") {
        deviceId = idArg(req.device, "device");
        const [device] = store.listMeterDevices({ siteIds: "all", deviceId, limit: 1 });
        rowFor(ctx, "meter.read", "device", deviceId, device);
        if (site && device!.siteId !== site.id) throw new DcaError("invalid-argument", `device "${deviceId}" is not at site "${site.name}"; leave out --site or name its own`);
      }
      // One more than the page: whether another page follows.
      const devices = store.listMeterDevices({ siteIds, deviceId, after, limit: pageSize + 1 });
      const page = devices.slice(0, pageSize);
      const names = siteNames(store);
      const rows = page.flatMap((d) => {
        const history = store.meterHistory(d, period);
        return history ? deviceMeterRows(history, period, names(d.siteId)) : [];
      });
      rows.sort(compareMeterRows);
      const last = page.at(-1);
      const nextPageToken = devices.length > pageSize && last ? tokenOf({ siteId: last.siteId, deviceId: last.id }) : "";
      note(ctx, {
        detail: { start: period.start.toISOString(), end: period.end.toISOString(), devices: page.length, rows: rows.length, ...(after && { page: true }) },
      });
      return { rows: rows.map(meterRowToProto), nextPageToken };
    },
  };
}
