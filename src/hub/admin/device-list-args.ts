/**
 * The flags of `device list` as a ListDevices request: the hub filters,
 * sorts and pages (the portal's table does the same), so a fleet of 10,000
 * devices prints a page at a time without the whole fleet crossing the wire.
 */
import { type ParsedArgs, UsageError, flag } from "../../common/args.ts";
import { create } from "@bufbuild/protobuf";
import { DeviceHealth, DeviceSort, type ListDevicesRequest, ListDevicesRequestSchema } from "../../gen/dca/v1/admin_fleet_pb.ts";
import { parseCount } from "./admin-format.ts";

/** The flags `device list` takes (besides --json). */
export const DEVICE_LIST_FLAGS = ["site", "sort", "vendor", "model", "status", "supply-below", "search", "page", "page-size"] as const;

/** Devices per page unless --page-size says otherwise. */
export const DEFAULT_PAGE_SIZE = 50;

const SORTS: Record<string, DeviceSort> = {
  site: DeviceSort.SITE,
  vendor: DeviceSort.VENDOR,
  model: DeviceSort.MODEL,
  serial: DeviceSort.SERIAL,
  address: DeviceSort.ADDRESS,
  "last-read": DeviceSort.LAST_READ,
  pages: DeviceSort.TOTAL_PAGES,
  supply: DeviceSort.LOWEST_SUPPLY,
  status: DeviceSort.STATUS,
  flags: DeviceSort.FLAGS,
  mac: DeviceSort.MAC,
};

const STATUSES: Record<string, DeviceHealth> = { ok: DeviceHealth.OK, warning: DeviceHealth.WARNING, error: DeviceHealth.ERROR, unknown: DeviceHealth.UNKNOWN };

/** The request the flags ask for; `paged` when --page or --page-size was given. */
export function deviceListRequest(p: ParsedArgs): { req: ListDevicesRequest; paged: boolean; page: number; pageSize: number } {
  const sortText = flag(p, "sort");
  let sort = DeviceSort.UNSPECIFIED;
  let descending = false;
  if (sortText !== undefined) {
    // "-pages" sorts largest first.
    descending = sortText.startsWith("-");
    const s = SORTS[sortText.replace(/^-/, "")];
    if (s === undefined) throw new UsageError(`--sort must be one of ${Object.keys(SORTS).join(", ")} (a leading - sorts descending), got "${sortText}"`);
    sort = s;
  }
  const statusText = flag(p, "status");
  const health = statusText === undefined ? DeviceHealth.UNSPECIFIED : STATUSES[statusText];
  if (health === undefined) throw new UsageError(`--status must be ok, warning, error or unknown, got "${statusText}"`);
  const belowText = flag(p, "supply-below");
  const below = belowText === undefined ? undefined : Number(belowText.replace(/%$/, ""));
  if (below !== undefined && !(belowText!.trim() !== "" && below >= 0 && below <= 100)) throw new UsageError(`--supply-below must be a percent from 0 to 100, got "${belowText}"`);
  const pageText = flag(p, "page");
  const sizeText = flag(p, "page-size");
  const page = pageText === undefined ? 1 : parseCount(pageText, "--page", 1, 1_000_000);
  const pageSize = sizeText === undefined ? DEFAULT_PAGE_SIZE : parseCount(sizeText, "--page-size", 1, 500);
  const paged = pageText !== undefined || sizeText !== undefined;
  const req = create(ListDevicesRequestSchema, {
    site: flag(p, "site") ?? "",
    sort,
    descending,
    vendor: flag(p, "vendor") ?? "",
    model: flag(p, "model") ?? "",
    health,
    supplyBelowPercent: below,
    search: flag(p, "search") ?? "",
    pageSize: paged ? pageSize : 0,
    offset: paged ? (page - 1) * pageSize : 0,
  });
  return { req, paged, page, pageSize };
}
