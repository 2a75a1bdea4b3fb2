/**
 * A ListDevices request as the store's DeviceQuery: the proto enums as the
 * store's names, and every bound checked with a message that says what is
 * allowed. The caller's sites come from the door's Caller, never the request.
 */
import type { HandlerContext } from "@connectrpc/connect";
import { DcaError } from "../../common/errors.ts";
import { DeviceHealth, DeviceSort, type ListDevicesRequest } from "../../gen/dca/v1/admin_fleet_pb.ts";
import type { Permission } from "../access/index.ts";
import type { DeviceHealthName, DeviceQuery, DeviceSortKey, Site } from "../store/index.ts";
import { callerOf } from "./admin-call.ts";

/** The most devices one page holds. */
export const MAX_DEVICE_PAGE = 500;
/** The longest search text. */
export const MAX_SEARCH_LENGTH = 100;

const SORTS: Record<DeviceSort, DeviceSortKey> = {
  [DeviceSort.UNSPECIFIED]: "default",
  [DeviceSort.SITE]: "site",
  [DeviceSort.VENDOR]: "vendor",
  [DeviceSort.MODEL]: "model",
  [DeviceSort.SERIAL]: "serial",
  [DeviceSort.ADDRESS]: "address",
  [DeviceSort.LAST_READ]: "lastRead",
  [DeviceSort.TOTAL_PAGES]: "totalPages",
  [DeviceSort.LOWEST_SUPPLY]: "lowestSupply",
  [DeviceSort.STATUS]: "status",
  [DeviceSort.FLAGS]: "flags",
  [DeviceSort.MAC]: "mac",
};

/** The store's health names by the proto's values (UNSPECIFIED: no filter). */
export const HEALTH_NAMES: Partial<Record<DeviceHealth, DeviceHealthName>> = {
  [DeviceHealth.OK]: "ok",
  [DeviceHealth.WARNING]: "warning",
  [DeviceHealth.ERROR]: "error",
  [DeviceHealth.UNKNOWN]: "unknown",
};

/** The proto's value of a health name. */
export const HEALTH_VALUES: Record<DeviceHealthName, DeviceHealth> = { ok: DeviceHealth.OK, warning: DeviceHealth.WARNING, error: DeviceHealth.ERROR, unknown: DeviceHealth.UNKNOWN };

/** The sites a caller may see with `permission`, narrowed to `site` when the request names one. */
export function sitesOf(ctx: HandlerContext, permission: Permission, site: Site | undefined): DeviceQuery["sites"] {
  if (site) return [site.id];
  const sites = callerOf(ctx).sitesWith(permission);
  return sites === "all" ? "all" : [...sites];
}

/** A search text, trimmed and bounded. */
export function searchArg(text: string): string | undefined {
  const search = text.trim();
  if (search.length > MAX_SEARCH_LENGTH) throw new DcaError("invalid-argument", `a search must have at most ${MAX_SEARCH_LENGTH} characters`);
  return search || undefined;
}

/** The store query of a ListDevices request over `sites`. */
export function deviceQueryOf(req: ListDevicesRequest, sites: DeviceQuery["sites"]): DeviceQuery {
  const sort = SORTS[req.sort];
  if (sort === undefined) throw new DcaError("invalid-argument", `unknown sort ${req.sort}; use one of ${Object.values(SORTS).join(", ")}`);
  if (req.pageSize > MAX_DEVICE_PAGE) throw new DcaError("invalid-argument", `a page holds 1 to ${MAX_DEVICE_PAGE} devices (0 lists them all); got ${req.pageSize}`);
  const below = req.supplyBelowPercent;
  if (below !== undefined && !(below >= 0 && below <= 100)) throw new DcaError("invalid-argument", `the supply filter is a percent from 0 to 100; got ${below}`);
  const health = req.health === DeviceHealth.UNSPECIFIED ? undefined : HEALTH_NAMES[req.health];
  if (req.health !== DeviceHealth.UNSPECIFIED && !health) throw new DcaError("invalid-argument", `unknown health ${req.health}; use ok, warning, error or unknown`);
  const text = (s: string, what: string) => {
    if (s.length > MAX_SEARCH_LENGTH) throw new DcaError("invalid-argument", `a ${what} filter must have at most ${MAX_SEARCH_LENGTH} characters`);
    return s.trim() || undefined;
  };
  return {
    sites,
    sort,
    descending: req.descending,
    vendor: text(req.vendor, "vendor"),
    model: text(req.model, "model"),
    health,
    supplyBelowPercent: below,
    search: searchArg(req.search),
    limit: req.pageSize === 0 ? undefined : req.pageSize,
    offset: req.offset,
  };
}
