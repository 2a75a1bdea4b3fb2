import { describe, expect, test } from "bun:test";
import { GENERIC, matchProfile } from "../profiles/index.ts";
import { modelOfDeviceId, parseDeviceId } from "./device-id.ts";
import { type IdentityInputs, buildIdentity, namesNetworkCard, needsDeviceId } from "./identity.ts";
import type { Table } from "./values.ts";

const empty = (): Table => new Map();
const inputs = (sysDescr: string, sysObjectId: string, deviceId?: string): IdentityInputs => ({
  profile: sysObjectId ? matchProfile(sysObjectId, sysDescr) : GENERIC,
  sysDescr,
  vendorValues: new Map(),
  devices: empty(),
  general: empty(),
  interfaces: empty(),
  printerIndex: "1",
  deviceId,
});

describe("the model is the printer's", () => {
  test("sysDescr of network cards and print servers is recognised", () => {
    for (const card of [
      "Brother NC-8300h, Firmware Ver.1.14  (14.11.06),MID 8C5-F01,FID 2",
      "HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD149,EEPROM JDI99999",
      "HP ETHERNET MULTI-ENVIRONMENT,SN:VNB3J99999,FN:1F31B6C,SVCID:99999,PID:HP Color LaserJet Pro M252dw",
      "OKI OkiLAN 9450g Rev.00.69 10/100/1000BASE Ethernet PrintServer: Attached to MC873",
      "EPSON 10/100/1000 Ethernet USB Ext. Scan Server",
      "ZebraNet Wired PS",
    ]) {
      expect(`${namesNetworkCard(card)} ${card}`).toBe(`true ${card}`);
    }
    for (const printer of ["Brother HL-L3270CDW series", "HP LaserJet 4250", "KONICA MINOLTA bizhub C3110", "SHARP MX-3570N", "Xerox Phaser 4600; System 35.004.32.000"]) {
      expect(`${namesNetworkCard(printer)} ${printer}`).toBe(`false ${printer}`);
    }
  });

  test("a card's sysDescr is never the model; the IEEE 1284 device ID is", () => {
    const brother = inputs("Brother NC-6400h, Firmware Ver.1.01  (05.06.29)", "1.3.6.1.4.1.2435.2.3.9.1");
    expect(needsDeviceId(brother)).toBe(true);
    expect(buildIdentity(brother).model).toBe("");
    expect(buildIdentity({ ...brother, deviceId: "MFG:Brother;CMD:PJL,PCL;MDL:HL-5250DN series;CLS:PRINTER;" }).model).toBe("HL-5250DN");
    // A profile's own model source still wins, and the fallback to a printer's sysDescr stays.
    expect(buildIdentity(inputs("Xerox Phaser 4600; System 35.004.32.000", "1.3.6.1.4.1.253.8.62.1")).model).toBe("Phaser 4600");
  });

  test("device ID keys, short and long forms", () => {
    expect(modelOfDeviceId("MANUFACTURE:OKI UK LTD;COMMAND SET:PCL,XPS;MODEL:MC873;CLASS:PRINTER;")).toBe("MC873");
    expect(parseDeviceId(" MFG : Brother ; mdl:HL-1;MDL:ignored; junk;").get("MDL")).toBe("HL-1");
    expect(modelOfDeviceId("")).toBe("");
  });
});
