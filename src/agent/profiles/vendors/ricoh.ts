import type { Profile } from "../profile.ts";

/** Ricoh and the brands it sells under (RICOH-PRIVATE-MIB, enterprise 367). */
export const ricoh: Profile = {
  id: "ricoh",
  vendor: "Ricoh",
  sysObjectId: ["1.3.6.1.4.1.367"],
  sysDescr: [/^(RICOH|SAVIN|LANIER|Gestetner|NRG|Rex-Rotary|Nashuatec|infotec)\b/i],
  brands: [
    { pattern: /^SAVIN\b/i, brand: "Savin" },
    { pattern: /^LANIER\b/i, brand: "Lanier" },
    { pattern: /^Gestetner\b/i, brand: "Gestetner" },
    { pattern: /^NRG\b/i, brand: "NRG" },
    { pattern: /^Rex-Rotary\b/i, brand: "Rex-Rotary" },
    { pattern: /^Nashuatec\b/i, brand: "Nashuatec" },
    { pattern: /^infotec\b/i, brand: "Infotec" },
  ],
  model: [{ from: "1.3.6.1.4.1.367.3.2.1.1.1.1.0" }, { from: "sysDescr", pattern: /^\S+ (.+?) [\d.]+ \// }],
  firmware: [{ from: "1.3.6.1.4.1.367.3.2.1.1.1.2.0" }],
  serial: [{ from: "1.3.6.1.4.1.367.3.2.1.2.1.4.0" }],
  // ricohEngTonerLevel: percent remaining where the Printer-MIB only says -3 or -100.
  privateLevel: {
    column: "1.3.6.1.4.1.367.3.2.1.2.24.1.1.5",
    whenLevel: [-3, -100],
    basis: "Ricoh private toner level (ricohEngTonerLevel)",
  },
};
