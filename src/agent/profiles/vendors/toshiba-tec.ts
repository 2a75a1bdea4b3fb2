import type { Profile } from "../profile.ts";

/** TOSHIBA TEC label-printer identity group (bcpGeneral / bcpDevice, as read by glpi-agent). */
const BCP = "1.3.6.1.4.1.1129.1.2.1.1.1";

/**
 * Toshiba TEC e-STUDIO and label printers (enterprise 1129). No private
 * meters: no public source names the e-STUDIO counters with certainty.
 */
export const toshibaTec: Profile = {
  id: "toshiba-tec",
  vendor: "Toshiba",
  sysObjectId: ["1.3.6.1.4.1.1129"],
  sysDescr: [/^TOSHIBA (e-STUDIO|TEC)/i],
  model: [{ from: "sysDescr", pattern: /^TOSHIBA (?:TEC )?(.+)$/i }, { from: `${BCP}.2.1.0` }],
  serial: [{ from: `${BCP}.1.1.0` }],
};
