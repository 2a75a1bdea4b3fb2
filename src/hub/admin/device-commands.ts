/** `device list|missed|readings|flags`. */
import { flag } from "../../common/args.ts";
import { CounterKind, DeviceReadingSchema } from "../../gen/dca/v1/reading_pb.ts";
import { messageToJson } from "../../common/message-json.ts";
import { type DeviceAdminStore, type DeviceSummary, StoreError } from "../store/index.ts";
import { type AdminCommand, type AdminContext, type SiteNames, arg, noMoreArgs, printJson, siteFlag, wantsJson } from "./admin-context.ts";
import { formatAgo, formatTable, formatTime, parseCount, parseDurationMs } from "./admin-format.ts";

const kindName = (k: CounterKind) => (CounterKind[k] ?? String(k)).toLowerCase().replace(/_/g, " ");
const supply = (d: DeviceSummary) => (d.lowestSupply ? `${d.lowestSupply.description} ${Math.round(d.lowestSupply.percent)}%` : "-");

function printDevices(ctx: AdminContext<SiteNames>, devices: DeviceSummary[], json: boolean, empty: string): void {
  if (json) return printJson(ctx, devices);
  if (devices.length === 0) return ctx.io.out(`${empty}\n`);
  const names = new Map(ctx.store.listSites().map((s) => [s.id, s.name]));
  const now = ctx.now();
  ctx.io.out(
    formatTable(
      ["ID", "SITE", "VENDOR", "MODEL", "SERIAL", "ADDRESS", "LAST READ", "PAGES", "LOWEST SUPPLY", "STATUS", "FLAGS"],
      devices.map((d) => [
        d.id,
        names.get(d.siteId) ?? d.siteId,
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

/** The device commands. */
export const DEVICE_COMMANDS: Record<string, AdminCommand<DeviceAdminStore & SiteNames>> = {
  "device list": {
    usage: "device list [--site S] [--json]",
    valued: ["site"],
    booleans: ["json"],
    run(ctx, p) {
      noMoreArgs(p, 0);
      const site = siteFlag(ctx, p);
      printDevices(ctx, ctx.store.listDevices({ siteId: site?.id }), wantsJson(p), "no devices yet");
      return 0;
    },
  },

  "device missed": {
    usage: "device missed [--site S] [--since 24h|7d] [--json]",
    valued: ["site", "since"],
    booleans: ["json"],
    run(ctx, p) {
      noMoreArgs(p, 0);
      const site = siteFlag(ctx, p);
      const since = flag(p, "since") ?? "24h";
      const olderThanMs = parseDurationMs(since, "--since");
      const missed = ctx.store.missedReads({ olderThanMs, siteId: site?.id });
      printDevices(ctx, missed, wantsJson(p), `every device was read within ${since}`);
      return 0;
    },
  },

  "device readings": {
    usage: "device readings DEVICE_ID [--limit N] [--json]",
    valued: ["limit"],
    booleans: ["json"],
    run(ctx, p) {
      const id = arg(p, 0, "DEVICE_ID");
      noMoreArgs(p, 1);
      const limitText = flag(p, "limit");
      const limit = limitText === undefined ? 20 : parseCount(limitText, "--limit", 1, 100_000);
      if (!ctx.store.getDevice(id)) throw new StoreError("not-found", `unknown device "${id}"; see "dca-hub device list"`);
      const readings = ctx.store.listReadings(id, { limit });
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
    run(ctx, p) {
      noMoreArgs(p, 0);
      const site = siteFlag(ctx, p);
      const flags = ctx.store.listCounterFlags({ deviceId: flag(p, "device"), siteId: site?.id });
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
