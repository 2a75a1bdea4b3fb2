/** `device list|missed|readings|flags`: clients of AdminService. */
import { UsageError, flag } from "../../common/args.ts";
import type { Device } from "../../gen/dca/v1/admin_fleet_pb.ts";
import { CounterKind, DeviceReadingSchema } from "../../gen/dca/v1/reading_pb.ts";
import { type Timestamp, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { messageToJson } from "../../common/message-json.ts";
import type { DeviceSummary } from "../store/index.ts";
import { type AdminCommand, type AdminContext, arg, noMoreArgs, printJson, wantsJson } from "./admin-context.ts";
import { formatAgo, formatTable, formatTime, parseCount, parseDurationMs } from "./admin-format.ts";
import { counterFlagOf, deviceOf, siteNamesOf, storedReadingOf } from "./fleet-from-proto.ts";
import { DEVICE_LIST_FLAGS, deviceListRequest } from "./device-list-args.ts";

/** The most readings one `device readings` asks for (the hub's limit per call). */
const MAX_READINGS = 10_000;

const kindName = (k: CounterKind) => (CounterKind[k] ?? String(k)).toLowerCase().replace(/_/g, " ");
const supply = (d: DeviceSummary) => (d.lowestSupply ? `${d.lowestSupply.description} ${Math.round(d.lowestSupply.percent)}%` : "-");

function printDevices(ctx: AdminContext<unknown>, listed: Device[], json: boolean, empty: string): void {
  const devices = listed.map(deviceOf);
  if (json) return printJson(ctx, devices);
  if (devices.length === 0) return ctx.io.out(`${empty}\n`);
  const names = siteNamesOf(listed);
  const now = ctx.now();
  ctx.io.out(
    formatTable(
      ["ID", "SITE", "VENDOR", "MODEL", "SERIAL", "ADDRESS", "LAST READ", "PAGES", "LOWEST SUPPLY", "STATUS", "FLAGS"],
      devices.map((d) => [
        d.id,
        names.get(d.siteId) || d.siteId,
        d.vendor,
        d.model,
        d.serialNumber,
        d.address,
        formatAgo(d.lastReadAt, now),
        d.totalPages ?? "-",
        supply(d),
        d.status,
        d.flags || "",
      ]),
    ),
  );
}

/**
 * A time option as a Timestamp: how long ago ("7d", "12h"), or a date or time ("2026-03-01",
 * "2026-03-01T08:00", "2026-03-01 08:00:00Z", with an offset); a time without a zone is UTC
 * (the tables print UTC too).
 */
function timeFlag(ctx: AdminContext<unknown>, text: string | undefined, what: string): Timestamp | undefined {
  if (text === undefined) return undefined;
  if (/^\d+[a-z]+$/i.test(text.trim())) return timestampFromDate(new Date(ctx.now().getTime() - parseDurationMs(text.trim(), what)));
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(text.trim());
  const ms = m ? Date.parse(`${m[1]}T${m[2] ?? "00:00"}${m[3] ?? "Z"}`) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`${what} must be a time such as 2026-03-01, 2026-03-01T08:00Z or 7d (ago), got "${text}"`);
  return timestampFromDate(new Date(ms));
}

/** The device commands. */
export const DEVICE_COMMANDS: Record<string, AdminCommand<unknown>> = {
  "device list": {
    usage:
      "device list [--site S] [--vendor V] [--model M] [--status ok|warning|error|unknown] [--supply-below PERCENT] [--search TEXT] [--sort [-]site|vendor|model|serial|address|last-read|pages|supply|status|flags|mac] [--page N] [--page-size 50] [--json]",
    valued: DEVICE_LIST_FLAGS,
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const { req, paged, page, pageSize } = deviceListRequest(p);
      const filtered = req.vendor || req.model || req.health || req.supplyBelowPercent !== undefined || req.search;
      const { devices, total } = await ctx.api.listDevices(req);
      printDevices(ctx, devices, wantsJson(p), total > 0 ? `no devices on page ${page} (${total} in all)` : filtered ? "no devices match" : "no devices yet");
      if (paged && !wantsJson(p) && devices.length > 0) {
        const first = (page - 1) * pageSize + 1;
        ctx.io.out(`devices ${first}-${first + devices.length - 1} of ${total} (page ${page} of ${Math.ceil(total / pageSize)})\n`);
      }
      return 0;
    },
  },

  "device missed": {
    usage: "device missed [--site S] [--since 24h|7d] [--json]",
    valued: ["site", "since"],
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const since = flag(p, "since") ?? "24h";
      const seconds = Math.ceil(parseDurationMs(since, "--since") / 1000);
      if (seconds > 0xffff_ffff) throw new UsageError("--since is too long");
      const { devices } = await ctx.api.listMissedDevices({ site: flag(p, "site") ?? "", notReadForSeconds: seconds });
      printDevices(ctx, devices, wantsJson(p), `every device was read within ${since}`);
      return 0;
    },
  },

  "device readings": {
    usage: "device readings DEVICE_ID [--since TIME] [--until TIME] [--limit N] [--json]",
    valued: ["limit", "since", "until"],
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      const id = arg(p, 0, "DEVICE_ID");
      noMoreArgs(p, 1);
      const limitText = flag(p, "limit");
      const limit = limitText === undefined ? 20 : parseCount(limitText, "--limit", 1, MAX_READINGS);
      const window = { since: timeFlag(ctx, flag(p, "since"), "--since"), until: timeFlag(ctx, flag(p, "until"), "--until") };
      const readings = (await ctx.api.listReadings({ device: id, limit, ...window })).readings.map(storedReadingOf);
      if (wantsJson(p)) {
        printJson(
          ctx,
          readings.map(({ reading, ...r }) => ({ ...r, reading: messageToJson(DeviceReadingSchema, reading) })),
        );
        return 0;
      }
      ctx.io.out(
        formatTable(
          ["READ AT", "RECEIVED", "ADDRESS", "AGENT", "PAGES", "STATUS", "READING ID"],
          readings.map((r) => [
            formatTime(r.readAt),
            formatTime(r.receivedAt),
            r.address,
            r.agentId,
            r.reading.counters.find((c) => c.kind === CounterKind.TOTAL)?.value.toString() ?? "-",
            [r.reading.status?.deviceStatus, r.reading.status?.printerStatus, ...(r.reading.status?.detectedErrors ?? [])].filter(Boolean).join(", "),
            r.id,
          ]),
        ),
      );
      return 0;
    },
  },

  "device flags": {
    usage: "device flags [--device D] [--site S] [--json]",
    valued: ["device", "site"],
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const { flags: listed } = await ctx.api.listCounterFlags({ device: flag(p, "device") ?? "", site: flag(p, "site") ?? "" });
      const flags = listed.map(counterFlagOf);
      if (wantsJson(p)) printJson(ctx, flags.map((f) => ({ ...f, kind: CounterKind[f.kind] ?? f.kind })));
      else if (flags.length === 0) ctx.io.out("no counter flags\n");
      else {
        ctx.io.out(
          formatTable(
            ["AT", "DEVICE", "COUNTER", "PREVIOUS", "VALUE", "CHANGE", "REASON", "READING ID"],
            flags.map((f) => [
              formatTime(f.at),
              f.deviceId,
              [kindName(f.kind), f.name].filter(Boolean).join(" "),
              f.previous,
              f.value,
              `${f.value >= f.previous ? "+" : ""}${f.value - f.previous}`,
              f.reason,
              f.readingId,
            ]),
          ),
        );
      }
      return 0;
    },
  },
};
