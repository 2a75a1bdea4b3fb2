/**
 * The devices table's view as GET query parameters, so a view is a URL one
 * can bookmark and share: `site`, `vendor`, `model`, `health`, `below`
 * (supply at or below this percent), `q` (free text), `sort`, `dir`, `page`
 * and `size`. Parsed leniently where a wrong value has an obvious meaning
 * (an unknown sort is the default order, a page past the end is the last),
 * refused where it has none (a supply filter that is not a percent). The
 * same view makes the ListDevices request, the column links and the CSV URL.
 */
import { create } from "@bufbuild/protobuf";
import { DcaError } from "../../../common/errors.ts";
import { DeviceHealth, DeviceSort, type ListDevicesRequest, ListDevicesRequestSchema } from "../../../gen/dca/v1/admin_fleet_pb.ts";
import { HEALTH_BY_NAME } from "./fleet-format.ts";

/** The page sizes offered. */
export const PAGE_SIZES = [25, 50, 100, 200] as const;
/** Rows per page unless the URL asks for another of PAGE_SIZES. */
export const DEFAULT_PAGE_SIZE = 50;

/** The sortable columns by their name in the URL. */
export const SORT_KEYS = {
  site: DeviceSort.SITE,
  address: DeviceSort.ADDRESS,
  vendor: DeviceSort.VENDOR,
  model: DeviceSort.MODEL,
  serial: DeviceSort.SERIAL,
  mac: DeviceSort.MAC,
  status: DeviceSort.STATUS,
  supply: DeviceSort.LOWEST_SUPPLY,
  pages: DeviceSort.TOTAL_PAGES,
  "last-read": DeviceSort.LAST_READ,
  flags: DeviceSort.FLAGS,
} as const;
/** A sortable column's name in the URL. */
export type SortKey = keyof typeof SORT_KEYS;

/** One view of the devices table. */
export interface DevicesView {
  site: string;
  vendor: string;
  model: string;
  /** "", or a key of HEALTH_BY_NAME. */
  health: string;
  /** The supply filter as typed ("" for none). */
  below: string;
  q: string;
  sort: SortKey;
  descending: boolean;
  /** 1-based. */
  page: number;
  size: number;
}

const text = (v: string | null, max = 100) => (v ?? "").trim().slice(0, max);

/** The view a query string asks for. */
export function parseDevicesView(params: URLSearchParams): DevicesView {
  const sort = text(params.get("sort"));
  const health = text(params.get("health")).toLowerCase();
  const below = text(params.get("below"), 10);
  if (below !== "" && !(/^\d+(\.\d+)?$/.test(below) && Number(below) <= 100)) {
    // Not quoted back: a link must not put its words on the hub's pages (docs/portal.md).
    throw new DcaError("invalid-argument", "the supply filter is a percent from 0 to 100, such as 10 or 12.5");
  }
  const size = Number(params.get("size"));
  const page = Number(params.get("page"));
  return {
    site: text(params.get("site")),
    vendor: text(params.get("vendor")),
    model: text(params.get("model")),
    health: health in HEALTH_BY_NAME ? health : "",
    below,
    q: text(params.get("q")),
    sort: sort in SORT_KEYS ? (sort as SortKey) : "site",
    descending: params.get("dir") === "desc",
    page: Number.isInteger(page) && page >= 1 ? Math.min(page, 1_000_000) : 1,
    size: (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_PAGE_SIZE,
  };
}

/** The ListDevices request of a view: its page, or (pageSize/offset given) another slice of it. */
export function listRequestOf(v: DevicesView, slice?: { pageSize: number; offset: number }): ListDevicesRequest {
  return create(ListDevicesRequestSchema, {
    site: v.site,
    vendor: v.vendor,
    model: v.model,
    health: v.health ? HEALTH_BY_NAME[v.health] : DeviceHealth.UNSPECIFIED,
    supplyBelowPercent: v.below === "" ? undefined : Number(v.below),
    search: v.q,
    sort: SORT_KEYS[v.sort],
    descending: v.descending,
    pageSize: slice?.pageSize ?? v.size,
    offset: slice?.offset ?? (v.page - 1) * v.size,
  });
}

/** The query string of a view (defaults left out, so URLs stay short), with `change` applied. */
export function viewQuery(v: DevicesView, change: Partial<DevicesView> = {}): string {
  const w = { ...v, ...change };
  const p = new URLSearchParams();
  for (const k of ["site", "vendor", "model", "health", "below", "q"] as const) if (w[k]) p.set(k, w[k]);
  if (w.sort !== "site") p.set("sort", w.sort);
  if (w.descending) p.set("dir", "desc");
  if (w.page > 1) p.set("page", String(w.page));
  if (w.size !== DEFAULT_PAGE_SIZE) p.set("size", String(w.size));
  const s = p.toString();
  return s ? `?${s}` : "";
}

/** The devices table's URL of a view. */
export const devicesUrl = (v: DevicesView, change: Partial<DevicesView> = {}): string => `/devices${viewQuery(v, change)}`;

/** The CSV of a view: every matching device in the view's order (no page). */
export const devicesCsvUrl = (v: DevicesView): string => `/devices.csv${viewQuery(v, { page: 1, size: DEFAULT_PAGE_SIZE })}`;

/** Whether any filter narrows the view. */
export const filtered = (v: DevicesView): boolean => !!(v.site || v.vendor || v.model || v.health || v.below || v.q);
