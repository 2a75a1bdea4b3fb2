import type { Profile } from "../profile.ts";

/** OKI (enterprise 2001); OkiLAN print servers name the attached engine in sysDescr. */
export const oki: Profile = {
  id: "oki",
  vendor: "OKI",
  sysObjectId: ["1.3.6.1.4.1.2001"],
  sysDescr: [/^OKI /i],
  model: [
    { from: "1.3.6.1.4.1.11.2.3.9.1.1.7.0", pattern: /MODEL:\s*([^;]+)/ },
    { from: "sysDescr", pattern: /Attached to (\S+)/ },
  ],
};
