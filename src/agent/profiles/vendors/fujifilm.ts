import type { Profile } from "../profile.ts";

/** FUJIFILM Business Innovation, formerly Fuji Xerox (enterprise 297). */
export const fujifilm: Profile = {
  id: "fujifilm",
  vendor: "FUJIFILM",
  sysObjectId: ["1.3.6.1.4.1.297"],
  sysDescr: [/^FUJIFILM /i, /^FUJI XEROX /i],
  brands: [{ pattern: /^FUJI XEROX\b/i, brand: "Fuji Xerox" }],
  model: [{ from: "sysDescr", pattern: /^FUJI(?:FILM| XEROX) ([^;]+)/i }],
};
