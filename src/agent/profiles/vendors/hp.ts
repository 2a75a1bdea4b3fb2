import { CounterKind, CounterUnit } from "../../../gen/dca/v1/reading_pb.ts";
import type { Profile } from "../profile.ts";

/** HP-LASERJET-COMMON-MIB device subtree (hp.nm.system.net-peripheral.netPML.netPMLmgmt.device). */
const DEVICE = "1.3.6.1.4.1.11.2.3.9.4.2.1";
/** status-prt-eng: the print engine's page counters. */
const ENGINE = `${DEVICE}.4.1.2`;
/** The scanner's settings and meters (HP-LASERJET-COMMON-MIB scanner group). */
const SCANNER = `${DEVICE}.2.2.1`;

/**
 * HP's PML identity strings (system.id). Their values may start with a
 * two-byte PCL symbol set; read them with decodeHpString
 * (src/agent/reader/decoders/hp.ts), not the generic text decoder.
 */
export const HP_PML_TEXT_OIDS = {
  modelName: `${DEVICE}.1.3.2.0`,
  serialNumber: `${DEVICE}.1.3.3.0`,
  firmwareDatecode: `${DEVICE}.1.3.5.0`,
  firmwareRom: `${DEVICE}.1.3.6.0`,
} as const;

/**
 * HP LaserJet / PageWide with Jetdirect. Meter OIDs checked against public
 * sources: total (.5), colour (.7) and duplex (.22) in glpi-agent's
 * HPNetPeripheral.pm and the HP LaserJet MIBs (total-color-page-count: "a
 * duplexed sheet increments it by two", so impressions); mono (.6) as
 * total-mono-page-count of HP's IJXXXX-MIB, cited by PrintMaster. The
 * flatbed scan total (scanner .74, "Lifetime scanned") and the engine's jam
 * count (.34, a service counter, never billed) as LibreNMS reads them
 * (resources/definitions/os_discovery/jetdirect.yaml). Copy and fax meters
 * are not in the public sources we could check.
 */
export const hp: Profile = {
  id: "hp",
  vendor: "HP",
  sysObjectId: ["1.3.6.1.4.1.11.2.3.9"],
  sysDescr: [/^HP /, /Hewlett-Packard/i, /JETDIRECT/],
  // gdStatusId: an IEEE 1284 device ID; some firmware serve it only in the "Jetdirect" context.
  model: [{ from: "1.3.6.1.4.1.11.2.3.9.1.1.7.0", pattern: /MDL:\s*([^;]+)/ }, { from: HP_PML_TEXT_OIDS.modelName, decoder: "hp-pml" }],
  serial: [
    { from: HP_PML_TEXT_OIDS.serialNumber, decoder: "hp-pml" },
    // Embedded Jetdirect names the printer's serial in sysDescr ("HP ETHERNET MULTI-ENVIRONMENT,SN:VNB3J99999,FN:...").
    { from: "sysDescr", pattern: /,SN:([^,\s]+)/ },
  ],
  firmware: [
    { from: HP_PML_TEXT_OIDS.firmwareRom, decoder: "hp-pml" },
    { from: HP_PML_TEXT_OIDS.firmwareDatecode, decoder: "hp-pml" },
  ],
  // An external or embedded Jetdirect card names its own firmware in sysDescr ("...,JETDIRECT,JD149,EEPROM J.08.32").
  networkFirmware: [{ from: "sysDescr", pattern: /,EEPROM ([^,\s]+)/ }],
  context: "Jetdirect",
  counters: [
    { oid: `${ENGINE}.5.0`, kind: CounterKind.TOTAL, name: "total-engine-page-count" },
    { oid: `${ENGINE}.6.0`, kind: CounterKind.MONO, name: "total-mono-page-count" },
    { oid: `${ENGINE}.7.0`, kind: CounterKind.COLOR, name: "total-color-page-count" },
    { oid: `${ENGINE}.22.0`, kind: CounterKind.DUPLEX, name: "duplex-page-count" },
    { oid: `${ENGINE}.34.0`, kind: CounterKind.JAM, name: "print-engine-jam-count", unit: CounterUnit.UNSPECIFIED },
    { oid: `${SCANNER}.74.0`, kind: CounterKind.SCAN, name: "scanner-flatbed-page-count", unit: CounterUnit.SCANS },
  ],
};
