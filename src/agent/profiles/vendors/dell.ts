import type { Profile } from "../profile.ts";

/** Dell printers, rebadged Lexmark / Fuji Xerox / Samsung engines (enterprise 674.10898). */
export const dell: Profile = {
  id: "dell",
  vendor: "Dell",
  sysObjectId: ["1.3.6.1.4.1.674.10898"],
  sysDescr: [/^Dell .*(Laser|Printer|MFP)/i],
  model: [{ from: "sysDescr", pattern: /^Dell (.+?)(?: Laser Printer| version|;|$)/i }],
  firmware: [{ from: "sysDescr", pattern: /(?: version |Engine )(\S+)/ }],
};
