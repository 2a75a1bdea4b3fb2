/**
 * Named misbehaviours a simulated device can add on top of its recording,
 * for tests that attack the reader from the printer's side. A device takes
 * a list of them (DeviceOptions.hostile, `--hostile` in main.ts); each is
 * independent of the recording, so any fixture can be made hostile.
 *
 * - `wrong-port`: every response leaves from a second socket on the same
 *   address but another port. A manager that takes it attributes another
 *   sender's words to the printer.
 * - `wrong-address`: every response leaves from another loopback address
 *   (same last-but-three octets, last octet + 128 mod 256) with the same
 *   port number. IPv4 only: ::1 has no second loopback address.
 * - `echo`: GETNEXT and GETBULK are answered with the requested OIDs
 *   themselves (each with a NULL value), a loop at the very first step of
 *   a walk. GET and SET are answered normally, so the device looks alive.
 * - `longer-oids`, `endless`, `slow`, `slow-walks`: walks that never end or
 *   that hold a read (./hostile.ts).
 */
import { PduType } from "../../../src/agent/snmp/message.ts";
import type { Recording } from "../snmprec.ts";
import type { PduResult } from "./packet-writer.ts";
import type { RequestPdu } from "./request-reader.ts";

/** Every hostile mode the simulator knows. */
export const HOSTILE_MODES = ["wrong-port", "wrong-address", "echo", "longer-oids", "endless", "slow", "slow-walks"] as const;
export type HostileMode = (typeof HOSTILE_MODES)[number];

/** Answers one request PDU into `res`; false when the PDU gets no answer (handlePdu's signature). */
export type PduHandler = (rec: Recording, req: RequestPdu, version: number, budget: number, res: PduResult) => boolean;

/** Checks a list of mode names (from a flag or a test); throws naming the allowed ones. */
export function parseHostileModes(names: readonly string[]): HostileMode[] {
  const out: HostileMode[] = [];
  for (const name of names) {
    if (!(HOSTILE_MODES as readonly string[]).includes(name)) {
      throw new Error(`unknown hostile mode "${name}"; use one of ${HOSTILE_MODES.join(", ")}`);
    }
    if (!out.includes(name as HostileMode)) out.push(name as HostileMode);
  }
  if (out.includes("wrong-port") && out.includes("wrong-address")) {
    // Each isolates one check of the manager; together they would hide which one holds.
    throw new Error(`hostile modes "wrong-port" and "wrong-address" exclude each other`);
  }
  return out;
}

/** `inner`, except that GETNEXT and GETBULK echo the request's varbind list (mode `echo`). */
export function echoingHandler(inner: PduHandler): PduHandler {
  return (rec, req, version, budget, res) => {
    if (req.type !== PduType.GetNext && req.type !== PduType.GetBulk) return inner(rec, req, version, budget, res);
    if (req.type === PduType.GetBulk && version === 0) return false;
    res.errorStatus = 0;
    res.errorIndex = 0;
    res.count = 0;
    res.length = 0;
    res.echo = true;
    return true;
  };
}

/**
 * Where a device's responses leave from, when a mode moves them: the
 * address and port to bind the second socket to (port 0: the kernel's
 * choice), or undefined when responses leave from the device's own socket.
 */
export function replySource(modes: readonly HostileMode[], address: string, port: number): { address: string; port: number } | undefined {
  if (modes.includes("wrong-port")) return { address, port: 0 };
  if (!modes.includes("wrong-address")) return undefined;
  const parts = address.split(".");
  if (parts.length !== 4) throw new Error(`hostile mode "wrong-address" needs an IPv4 loopback device, not ${address}`);
  parts[3] = String((Number(parts[3]) + 128) % 256);
  return { address: parts.join("."), port };
}
