import type { Profile } from "../profile.ts";

/** Kyocera and its OEM brands (KYOCERA-MIB, enterprise 1347). */
export const kyocera: Profile = {
  id: "kyocera",
  vendor: "Kyocera",
  sysObjectId: ["1.3.6.1.4.1.1347"],
  sysDescr: [/^KYOCERA/i, /^UTAX/i, /^TA Triumph-Adler/i, /^Copystar/i],
  brands: [
    { pattern: /^UTAX\b/i, brand: "UTAX" },
    { pattern: /^TA\b|Triumph-Adler/i, brand: "TA Triumph-Adler" },
    { pattern: /^Copystar\b/i, brand: "Copystar" },
  ],
  model: [{ from: "1.3.6.1.4.1.1347.43.5.1.1.1.1" }],
  serial: [{ from: "1.3.6.1.4.1.1347.43.5.1.1.28.1" }],
  firmware: [{ from: "1.3.6.1.4.1.1347.43.5.4.1.5.1.1" }],
};
