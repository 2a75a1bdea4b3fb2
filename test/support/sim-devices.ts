/**
 * Test devices for the discovery tests, served by the fleet simulator
 * (test/sim): small recordings in the snmprec format, written here from the
 * objects each case needs, plus a way to answer datagrams with the
 * simulator's responder without sockets (for the fake network).
 *
 * Where values come from: sysObjectIDs are the vendors' published ones
 * (see printer-vendors.ts for sources); the rest is made up and minimal.
 */
import { peekVersion } from "../../src/agent/snmp/message.ts";
import { createResponder } from "../sim/agent/responder.ts";
import { createV3Engine } from "../sim/agent/v3-engine.ts";
import { type Recording, parseSnmprec } from "../sim/snmprec.ts";

const system = (objectId: string, descr: string, name: string) =>
  [`1.3.6.1.2.1.1.1.0|4|${descr}`, `1.3.6.1.2.1.1.2.0|6|${objectId}`, `1.3.6.1.2.1.1.5.0|4|${name}`].join("\n");

/** The recordings, as snmprec text. */
export const RECORDINGS = {
  /** HP LaserJet behind Jetdirect: HP printer subtree, Printer-MIB, hrDevicePrinter. */
  hpLaserJet: [
    system("1.3.6.1.4.1.11.2.3.9.1", "HP ETHERNET MULTI-ENVIRONMENT", "hp-lj"),
    "1.3.6.1.2.1.25.3.2.1.2.1|6|1.3.6.1.2.1.25.3.1.5",
    "1.3.6.1.2.1.43.5.1.1.16.1|4|HP LaserJet M404",
    "1.3.6.1.2.1.43.10.2.1.4.1.1|65|12345",
  ].join("\n"),
  ricoh: [system("1.3.6.1.4.1.367.1.1", "RICOH MP C3004 1.00 / RICOH Network Printer C model", "ricoh"), "1.3.6.1.2.1.43.10.2.1.4.1.1|65|777"].join("\n"),
  kyocera: system("1.3.6.1.4.1.1347.41", "KYOCERA Document Solutions Printing System", "kyo"),
  /** Unknown vendor, but it answers the Printer-MIB. */
  genericPrinter: [system("1.3.6.1.4.1.99999.1", "Acme Print Engine", "acme"), "1.3.6.1.2.1.43.5.1.1.1.1|65|4"].join("\n"),
  /** Canon (weak vendor) with the printer as hrDevice 2 and Printer-MIB rows indexed 2: only GETNEXT finds them. */
  canonHr: [
    system("1.3.6.1.4.1.1602.4.7", "Canon iR-ADV C5535", "canon"),
    "1.3.6.1.2.1.25.3.2.1.2.1|6|1.3.6.1.2.1.25.3.1.3",
    "1.3.6.1.2.1.25.3.2.1.2.2|6|1.3.6.1.2.1.25.3.1.5",
  ].join("\n"),
  canonPrtIndex2: [system("1.3.6.1.4.1.1602.4.7", "Canon LBP", "canon2"), "1.3.6.1.2.1.43.10.2.1.4.2.1|65|99"].join("\n"),
  /** HP (weak vendor) switch: the HP-ICF switch subtree, no printer objects. */
  hpSwitch: [system("1.3.6.1.4.1.11.2.3.7.11.138", "HP J9774A 2530-8G-PoEP Switch", "sw1"), "1.3.6.1.2.1.25.3.2.1.2.1|6|1.3.6.1.2.1.25.3.1.3"].join("\n"),
  dellServer: system("1.3.6.1.4.1.674.10892.2", "Dell PowerEdge iDRAC", "idrac"),
  dellPrinter: system("1.3.6.1.4.1.674.10898.2.100.10", "Dell Laser Printer 5310n", "dell-lp"),
  linux: system("1.3.6.1.4.1.8072.3.2.10", "Linux host 6.1.0 x86_64", "linux"),
} as const;

export type RecordingName = keyof typeof RECORDINGS;

const parsed = new Map<string, Recording>();

/** A parsed recording by name (cached). */
export function recording(name: RecordingName): Recording {
  let r = parsed.get(name);
  if (!r) parsed.set(name, (r = parseSnmprec(RECORDINGS[name], `sim-devices:${name}`)));
  return r;
}

export interface SimAnswerOptions {
  communities?: string[];
  /** Drop v2c requests, like an old v1-only agent. */
  v1Only?: boolean;
  /** Answer v3 discovery with this engine id (no v1/v2c when `v3Only`). */
  engineId?: Uint8Array;
  v3Only?: boolean;
}

/** A pure "datagram in, reply out" device on the simulator's responder, for the fake network. */
export function simAnswer(name: RecordingName, options: SimAnswerOptions = {}): (request: Uint8Array) => Uint8Array | undefined {
  const rec = recording(name);
  const communities = new Map(options.v3Only ? [] : (options.communities ?? ["public"]).map((c) => [c, rec] as const));
  const engine = options.engineId ? createV3Engine({ engineId: options.engineId, users: [{ name: "reader" }] }) : undefined;
  const responder = createResponder({ communities, contexts: new Map([["", rec]]), engine });
  return (request) => {
    try {
      if (options.v1Only && peekVersion(request) === 1) return undefined;
    } catch {
      return undefined;
    }
    // The responder answers into a shared buffer: copy before the next call.
    return responder.respond(request)?.slice();
  };
}
