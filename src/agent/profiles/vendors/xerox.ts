import { CounterKind } from "../../../gen/dca/v1/reading_pb.ts";
import type { Profile } from "../profile.ts";

/**
 * xcmHrDevDetailValueInteger (XEROX-HOST-RESOURCES-EXT-MIB); rows are
 * `<hrDeviceIndex>.<detail type>.<detail index>`: device 1 is the printer,
 * device 11 the copier, detail type 20 the billing meters.
 */
const D = "1.3.6.1.4.1.253.8.53.13.2.1.6";

/**
 * Xerox (enterprise 253). Meters are the billing impressions (total, black,
 * colour) of the printer device and the copy impressions by colour, as read
 * by glpi-agent's Xerox module.
 */
export const xerox: Profile = {
  id: "xerox",
  vendor: "Xerox",
  sysObjectId: ["1.3.6.1.4.1.253"],
  sysDescr: [/^Xerox /i],
  model: [
    { from: "1.3.6.1.4.1.253.8.51.1.2.1.20.1", pattern: /MDL:\s*([^;]+)/ },
    { from: "sysDescr", pattern: /^Xerox ([^;]+)/i },
  ],
  firmware: [{ from: "sysDescr", pattern: /;\s*(?:SS|System) ([\d.]+)/ }],
  counters: [
    { oid: `${D}.1.20.1`, kind: CounterKind.TOTAL, name: "total-impressions" },
    { oid: `${D}.1.20.34`, kind: CounterKind.MONO, name: "black-impressions" },
    { oid: `${D}.1.20.33`, kind: CounterKind.COLOR, name: "color-impressions" },
    { oid: `${D}.11.20.3`, kind: CounterKind.COPY_MONO, name: "black-copied-impressions" },
    { oid: `${D}.11.20.25`, kind: CounterKind.COPY_COLOR, name: "color-copied-impressions" },
  ],
};
