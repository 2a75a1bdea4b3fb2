import { afterEach, describe, expect, test } from "bun:test";
import { Tag, compareOids, parseOid } from "../../common/ber.ts";
import type { VarBind } from "../snmp/message.ts";
import { startFleet } from "../../../test/sim/fleet.ts";
import { HR_DEVICE_PRINTER, type SnmpGetter, classifyDevice } from "./classify.ts";
import { PRINTER_VENDORS, printerVendorOf } from "./printer-vendors.ts";
import { createProbeGetter } from "./probe-getter.ts";
import { type ProbeAnswer, type Prober, createProber } from "./prober.ts";
import { type RecordingName, recording } from "../../../test/support/sim-devices.ts";
import { resolveTargets } from "./targets.ts";

/** A getter over a fixed table of objects, GET and GETNEXT like an agent. */
function tableGetter(objects: Record<string, VarBind["tag"] | string>, calls: string[] = []): SnmpGetter {
  const oids = Object.keys(objects).sort((a, b) => compareOids(parseOid(a), parseOid(b)));
  const vb = (oid: string): VarBind => {
    const v = objects[oid];
    return typeof v === "string" ? { oid, tag: Tag.Oid, value: v } : ({ oid, tag: v, value: v === Tag.Counter32 ? 1 : null } as VarBind);
  };
  return {
    async get(list) {
      calls.push(`get ${list.join(",")}`);
      return list.map((oid) => (oid in objects ? vb(oid) : { oid, tag: Tag.NoSuchObject, value: null }));
    },
    async next(list) {
      calls.push(`next ${list.join(",")}`);
      return list.map((oid) => {
        const after = oids.find((o) => compareOids(parseOid(o), parseOid(oid)) > 0);
        return after ? vb(after) : { oid, tag: Tag.EndOfMibView, value: null };
      });
    },
  };
}

const failing: SnmpGetter = {
  get: () => Promise.reject(new Error("no answer from 10.0.0.1:161 (timeout)")),
};
const v2c = (sysObjectId?: string): Pick<ProbeAnswer, "version" | "sysObjectId"> => ({ version: "v2c", sysObjectId });

describe("classifyDevice", () => {
  test("a strong printer vendor is a printer from its sysObjectID alone, without a query", async () => {
    const calls: string[] = [];
    const r = await classifyDevice(v2c("1.3.6.1.4.1.367.1.1"), tableGetter({}, calls));
    expect(r).toEqual({ printer: true, reason: "sysObjectID 1.3.6.1.4.1.367.1.1 is under Ricoh (enterprise 367)" });
    expect(calls).toEqual([]);
  });

  test.each([
    ["HP Jetdirect", "1.3.6.1.4.1.11.2.3.9.1", true, "HP's printer subtree 1.3.6.1.4.1.11.2.3.9"],
    ["Dell laser", "1.3.6.1.4.1.674.10898.2.100.10", true, "Dell's printer subtree"],
    ["HP switch", "1.3.6.1.4.1.11.2.3.7.11.138", false, "HP (enterprise 11) also makes non-printers"],
    ["Dell server", "1.3.6.1.4.1.674.10892.2", false, "Dell (enterprise 674) also makes non-printers"],
    ["Canon, no evidence", "1.3.6.1.4.1.1602.4.7", false, "answers neither the Printer-MIB"],
    ["net-snmp Linux", "1.3.6.1.4.1.8072.3.2.10", false, "is not a known printer vendor"],
  ])("%s (%s): printer=%p", async (_name, oid, printer, why) => {
    const r = await classifyDevice(v2c(oid), tableGetter({ "1.3.6.1.2.1.25.3.2.1.2.1": "1.3.6.1.2.1.25.3.1.3" }));
    expect(r.printer).toBe(printer);
    expect(r.reason).toContain(why);
  });

  test("the device's own answer decides for unknown and weak vendors", async () => {
    const unknown = v2c("1.3.6.1.4.1.99999.1");
    expect(await classifyDevice(unknown, tableGetter({ "1.3.6.1.2.1.43.10.2.1.4.1.1": Tag.Counter32 }))).toEqual({
      printer: true,
      reason: "answers the Printer-MIB (prtMarkerLifeCount.1.1) (sysObjectID 1.3.6.1.4.1.99999.1)",
    });
    expect((await classifyDevice(unknown, tableGetter({ "1.3.6.1.2.1.25.3.2.1.2.1": HR_DEVICE_PRINTER }))).reason).toContain(
      "hrDeviceType.1 is hrDevicePrinter",
    );
    // Only GETNEXT finds Printer-MIB rows indexed 2, or a printer that is hrDevice 3.
    const canon = v2c("1.3.6.1.4.1.1602.4.7");
    expect((await classifyDevice(canon, tableGetter({ "1.3.6.1.2.1.43.10.2.1.4.2.1": Tag.Counter32 }))).reason).toContain(
      "answers the Printer-MIB (1.3.6.1.2.1.43.10.2.1.4.2.1)",
    );
    const hr = tableGetter({
      "1.3.6.1.2.1.25.3.2.1.2.1": "1.3.6.1.2.1.25.3.1.3",
      "1.3.6.1.2.1.25.3.2.1.2.2": "1.3.6.1.2.1.25.3.1.4",
      "1.3.6.1.2.1.25.3.2.1.2.3": HR_DEVICE_PRINTER,
    });
    expect(await classifyDevice(canon, hr)).toEqual({ printer: true, reason: "hrDeviceType.3 is hrDevicePrinter (sysObjectID 1.3.6.1.4.1.1602.4.7)" });
  });

  test("no query possible, a failed query, a v3-only device: not a printer, with the reason", async () => {
    expect(await classifyDevice(v2c("1.3.6.1.4.1.11.2.3.7.11.1"))).toEqual({
      printer: false,
      reason: "sysObjectID 1.3.6.1.4.1.11.2.3.7.11.1: HP (enterprise 11) also makes non-printers: also switches (11.2.3.7.11); no follow-up query was possible",
    });
    expect((await classifyDevice(v2c("1.3.6.1.4.1.9.1.1"), failing)).reason).toContain("the follow-up query failed: no answer");
    expect(await classifyDevice({ version: "v3" })).toEqual({ printer: false, reason: "answers only SNMPv3; classifying it needs v3 credentials" });
    expect((await classifyDevice(v2c(undefined), tableGetter({}))).reason).toStartWith("no sysObjectID");
  });

  test("vendor table: numbers are unique and weak vendors say why", () => {
    expect(new Set(PRINTER_VENDORS.map((v) => v.enterprise)).size).toBe(PRINTER_VENDORS.length);
    for (const v of PRINTER_VENDORS) if (v.strength === "weak") expect(v.note).toBeTruthy();
    expect(printerVendorOf("1.3.6.1.4.1.1347.41")?.name).toBe("Kyocera");
    expect(printerVendorOf("1.3.6.1.4.1.13470.1")).toBeUndefined();
    expect(printerVendorOf(".1.3.6.1.4.1.18334.1.1.1.2.1.1")?.name).toBe("Konica Minolta");
  });
});

describe("classification through the prober's socket (fleet simulator)", () => {
  const cleanup: { close(): void }[] = [];
  afterEach(() => cleanup.splice(0).forEach((c) => c.close()));

  const devices: [string, RecordingName, boolean][] = [
    ["127.78.9.1", "hpLaserJet", true],
    ["127.78.9.2", "genericPrinter", true],
    ["127.78.9.3", "canonHr", true],
    ["127.78.9.4", "canonPrtIndex2", true],
    ["127.78.9.5", "hpSwitch", false],
    ["127.78.9.6", "dellServer", false],
    ["127.78.9.7", "linux", false],
  ];

  test.each(["v2c", "v1"] as const)("sweep, then classify each answer over %s", async (version) => {
    const first = await startFleet({ devices: [{ address: devices[0][0], port: 0, recording: recording(devices[0][1]) }] });
    const port = first.devices[0].port;
    const rest = await startFleet({ devices: devices.slice(1).map(([address, name]) => ({ address, port, recording: recording(name) })) });
    cleanup.push({ close: () => void first.stop() }, { close: () => void rest.stop() });
    const communities = ["nope", "public"];
    const prober: Prober = createProber({ communities, versions: [version], timeoutMs: 300, retries: 1, rate: 5000 });
    cleanup.push(prober);
    const verdicts: Record<string, boolean> = {};
    for await (const answer of prober.sweep(await resolveTargets([`127.78.9.1-10:${port}`]))) {
      expect(answer.community).toBe(1);
      const r = await classifyDevice(answer, createProbeGetter(prober, answer, communities));
      verdicts[answer.address] = r.printer;
    }
    expect(verdicts).toEqual(Object.fromEntries(devices.map(([a, , printer]) => [a, printer])));
  });
});
