import type { Profile } from "../profile.ts";

/** Konica Minolta bizhub and its Develop brand (enterprise 18334). */
export const konicaMinolta: Profile = {
  id: "konica-minolta",
  vendor: "Konica Minolta",
  sysObjectId: ["1.3.6.1.4.1.18334"],
  sysDescr: [/^KONICA MINOLTA/i, /^Develop /i],
  brands: [{ pattern: /^Develop\b/i, brand: "Develop" }],
  // The model name as the device shows it (a Develop ineo may report a bizhub sysDescr).
  model: [{ from: "1.3.6.1.4.1.18334.1.1.1.1.6.2.1.0" }, { from: "sysDescr", pattern: /^(?:KONICA MINOLTA|Develop) (.+)$/i }],
};
