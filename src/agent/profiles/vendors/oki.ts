import type { Profile } from "../profile.ts";

/** OKI's own identity scalars (as read by glpi-agent's Oki module). */
const ID = "1.3.6.1.4.1.2001.1.1.1.1.11.1.10";

/**
 * OKI (enterprise 2001); OkiLAN print servers name the attached engine in sysDescr.
 * No private meters: no public source names them with certainty.
 */
export const oki: Profile = {
  id: "oki",
  vendor: "OKI",
  sysObjectId: ["1.3.6.1.4.1.2001"],
  sysDescr: [/^OKI /i],
  model: [
    { from: `${ID}.25.0` },
    { from: "1.3.6.1.4.1.11.2.3.9.1.1.7.0", pattern: /MODEL:\s*([^;]+)/ },
    { from: "sysDescr", pattern: /Attached to (\S+)/ },
  ],
  serial: [{ from: `${ID}.45.0` }],
};
