import { CounterKind } from "../../../gen/dca/v1/reading_pb.ts";
import type { Profile } from "../profile.ts";

/** HP LaserJet / PageWide with Jetdirect. Meters from the HP LaserJet MIB (PML objects). */
export const hp: Profile = {
  id: "hp",
  vendor: "HP",
  sysObjectId: ["1.3.6.1.4.1.11.2.3.9"],
  sysDescr: [/^HP /, /Hewlett-Packard/i, /JETDIRECT/],
  // gdStatusId: an IEEE 1284 device ID; some firmware serve it only in the "Jetdirect" context.
  model: [{ from: "1.3.6.1.4.1.11.2.3.9.1.1.7.0", pattern: /MDL:\s*([^;]+)/ }],
  serial: [{ from: "1.3.6.1.4.1.11.2.3.9.4.2.1.1.3.3.0" }],
  context: "Jetdirect",
  counters: [
    { oid: "1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.5.0", kind: CounterKind.TOTAL, name: "total-engine-page-count" },
    { oid: "1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.6.0", kind: CounterKind.MONO, name: "total-mono-page-count" },
    { oid: "1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.7.0", kind: CounterKind.COLOR, name: "total-color-page-count" },
    { oid: "1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.22.0", kind: CounterKind.DUPLEX, name: "duplex-page-count" },
  ],
};
