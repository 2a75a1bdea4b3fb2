/**
 * /devices.csv: every device of the devices table's current view (the same
 * query, without its page), in the view's order, as RFC 4180 CSV with the
 * billing export's cell encoder (quoting, and the apostrophe before a cell
 * a spreadsheet would run as a formula: models and serials come from the
 * devices). It pages through ListDevices as the signed-in person, 500
 * devices a call, streaming each page as it comes; a view of more than
 * MAX_CSV_DEVICES is refused before anything is sent, with what to do.
 */
import type { Device, ListDevicesResponse } from "../../../gen/dca/v1/admin_fleet_pb.ts";
import { DcaError } from "../../../common/errors.ts";
import { csvField } from "../../billing/index.ts";
import type { PortalCtx } from "../portal-context.ts";
import { listRequestOf, parseDevicesView } from "./devices-query.ts";
import { HEALTH_WORDS, isoOf } from "./fleet-format.ts";

/** Devices per ListDevices call (its largest page). */
export const CSV_PAGE = 500;
/** The most devices one file holds. */
export const MAX_CSV_DEVICES = 50_000;

/** The columns, in order. */
export const DEVICE_CSV_COLUMNS = [
  "device_id",
  "site",
  "site_id",
  "address",
  "vendor",
  "model",
  "serial_number",
  "mac_address",
  "health",
  "status",
  "lowest_supply",
  "lowest_supply_percent",
  "total_pages",
  "last_read_at",
  "readings",
  "flags",
] as const;

/** One device's line (CRLF-terminated). */
export function deviceCsvLine(d: Device): string {
  const cells = [
    d.id,
    d.siteName,
    d.siteId,
    d.address,
    d.vendor,
    d.model,
    d.serialNumber,
    d.macAddress,
    HEALTH_WORDS[d.health],
    d.status,
    d.lowestSupply?.description ?? "",
    d.lowestSupply ? String(d.lowestSupply.percent) : "",
    d.totalPages === undefined ? "" : String(d.totalPages),
    isoOf(d.lastReadAt),
    String(d.readingCount),
    String(d.flags),
  ];
  return `${cells.map(csvField).join(",")}\r\n`;
}

/** GET /devices.csv */
export async function getDevicesCsv(c: PortalCtx): Promise<Response> {
  const { api } = c.get("portal");
  const view = parseDevicesView(new URL(c.req.url).searchParams);
  const page = (offset: number) => api.listDevices(listRequestOf(view, { pageSize: CSV_PAGE, offset }));
  // The first page says how many there are: a refusal or a view too large fails before the file starts.
  const first = await page(0);
  if (first.total > MAX_CSV_DEVICES) {
    throw new DcaError("invalid-argument", `this view holds ${first.total} devices and a CSV holds at most ${MAX_CSV_DEVICES}: filter by site, vendor or model, and download each part`);
  }
  const total = first.total;
  const encoder = new TextEncoder();
  let next: ListDevicesResponse | undefined = first;
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`${DEVICE_CSV_COLUMNS.join(",")}\r\n`));
    },
    async pull(controller) {
      const got = next ?? (await page(offset));
      next = undefined;
      if (got.devices.length > 0) controller.enqueue(encoder.encode(got.devices.map(deviceCsvLine).join("")));
      offset += CSV_PAGE;
      // Up to the total the first page gave (devices added meanwhile wait for the next file).
      if (offset >= total || got.devices.length < CSV_PAGE) controller.close();
    },
  });
  const day = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8; header=present",
      "content-disposition": `attachment; filename="devices-${day}.csv"`,
    },
  });
}
