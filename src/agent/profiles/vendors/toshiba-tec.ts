import type { Profile } from "../profile.ts";

/** Toshiba TEC e-STUDIO and label printers (enterprise 1129). */
export const toshibaTec: Profile = {
  id: "toshiba-tec",
  vendor: "Toshiba",
  sysObjectId: ["1.3.6.1.4.1.1129"],
  sysDescr: [/^TOSHIBA (e-STUDIO|TEC)/i],
  model: [{ from: "sysDescr", pattern: /^TOSHIBA (?:TEC )?(.+)$/i }],
};
