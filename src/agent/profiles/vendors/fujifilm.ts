import { CounterKind } from "../../../gen/dca/v1/reading_pb.ts";
import type { Profile } from "../profile.ts";

/**
 * xcmHrDevDetailValueInteger (Xerox XCMI, XEROX-HOST-RESOURCES-EXT-MIB), which
 * Fuji Xerox firmware implements: rows are `<hrDeviceIndex>.20.<meter>`, device
 * 1 the printer, device 103 the copier on Fuji Xerox models.
 */
const D = "1.3.6.1.4.1.253.8.53.13.2.1.6";

/**
 * FUJIFILM Business Innovation, formerly Fuji Xerox (enterprise 297).
 *
 * Meters are the Xerox-compatible impression counters that two independent
 * meter-reading tools read from Fuji Xerox ApeosPort / DocuCentre devices and
 * agree on (see test/fixtures/profiles/fujifilm-fuji-xerox-apeosport-iv-c3375.md).
 * Models that do not answer them keep the Printer-MIB total. Fax, scan and
 * A3 meters are not read: one source each, with device indexes that differ by model.
 */
export const fujifilm: Profile = {
  id: "fujifilm",
  vendor: "FUJIFILM",
  sysObjectId: ["1.3.6.1.4.1.297"],
  sysDescr: [/^FUJIFILM /i, /^FUJI XEROX /i],
  brands: [{ pattern: /^FUJI XEROX\b/i, brand: "Fuji Xerox" }],
  model: [{ from: "sysDescr", pattern: /^FUJI(?:FILM| XEROX) ([^;]+)/i }],
  counters: [
    { oid: `${D}.1.20.34`, kind: CounterKind.MONO, name: "black-impressions" },
    { oid: `${D}.1.20.33`, kind: CounterKind.COLOR, name: "color-impressions" },
    { oid: `${D}.1.20.7`, kind: CounterKind.PRINT_MONO, name: "black-printed-impressions" },
    { oid: `${D}.1.20.29`, kind: CounterKind.PRINT_COLOR, name: "color-printed-impressions" },
    { oid: `${D}.103.20.3`, kind: CounterKind.COPY_MONO, name: "black-copied-impressions" },
    { oid: `${D}.103.20.25`, kind: CounterKind.COPY_COLOR, name: "color-copied-impressions" },
  ],
};
