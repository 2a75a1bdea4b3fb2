import { CounterKind } from "../../../gen/dca/v1/reading_pb.ts";
import type { Profile } from "../profile.ts";

/**
 * Dell printers, rebadged Lexmark / Fuji Xerox / Samsung engines (enterprise 674.10898).
 *
 * Dell lasers built by Lexmark run Lexmark firmware (the same "version ...
 * kernel ... All-N-1" sysDescr) and with it LEXMARK-PVT-MIB, so the Lexmark
 * page counts and printer identity are asked for; engines that lack them
 * answer noSuchObject and fall back to the Printer-MIB.
 */
export const dell: Profile = {
  id: "dell",
  vendor: "Dell",
  sysObjectId: ["1.3.6.1.4.1.674.10898"],
  sysDescr: [/^Dell .*(Laser|Printer|MFP)/i],
  model: [{ from: "sysDescr", pattern: /^Dell (.+?)(?: Laser Printer| version|;|$)/i }],
  serial: [{ from: "1.3.6.1.4.1.641.2.1.2.1.6.1" }],
  firmware: [{ from: "sysDescr", pattern: /(?: version |Engine )(\S+)/ }],
  counters: [
    { oid: "1.3.6.1.4.1.641.2.1.5.1.0", kind: CounterKind.TOTAL, name: "pgTotal" },
    { oid: "1.3.6.1.4.1.641.2.1.5.2.0", kind: CounterKind.MONO, name: "pgMono" },
    { oid: "1.3.6.1.4.1.641.2.1.5.3.0", kind: CounterKind.COLOR, name: "pgColor" },
  ],
};
