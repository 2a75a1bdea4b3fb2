import type { Profile } from "../profile.ts";

/** Epson printers and scanners (enterprise 1248). */
export const epson: Profile = {
  id: "epson",
  vendor: "Epson",
  sysObjectId: ["1.3.6.1.4.1.1248"],
  sysDescr: [/^EPSON /i],
  serial: [{ from: "1.3.6.1.4.1.1248.1.1.3.1.1.1.0" }],
};
