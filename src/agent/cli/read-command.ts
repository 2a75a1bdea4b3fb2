/**
 * `dca read ADDRESS...`: reads each printer and prints a table or JSON.
 * A name is resolved first, so that a name that does not resolve is told
 * as such and not as a device that did not answer SNMP. A device that
 * answers but is not a printer is still printed, with a warning, and the
 * command exits 3 (scan skips such devices).
 */
import { lookup } from "node:dns/promises";
import { type DeviceReading, DeviceReadingSchema } from "../../gen/dca/v1/reading_pb.ts";
import type { Config } from "../../common/config/index.ts";
import { messageToJsonString } from "../../common/message-json.ts";
import { type Endpoint, parseEndpoint } from "../../common/endpoint.ts";
import { TargetError } from "../../common/target-spec.ts";
import { classifyDevice } from "../discovery/classify.ts";
import { readDevice } from "../reader/read-device.ts";
import { createNetSnmpSession } from "../snmp/net-snmp-session.ts";
import { parseArgs, UsageError } from "../../common/args.ts";
import { formatReading } from "./format-reading.ts";
import { SNMP_FLAGS, configFromArgs } from "./options.ts";
import { DcaError } from "../../common/errors.ts";
import { batchJitPolicy } from "./batch-jit.ts";

/** What `dca read` exits with when every device was read but one is not a printer (README, exit codes). */
export const NOT_A_PRINTER_EXIT = 3;

function endpointOf(arg: string, defaultPort: number): Endpoint {
  try {
    return parseEndpoint(arg, defaultPort);
  } catch (e) {
    if (!(e instanceof TargetError)) throw e;
    throw new UsageError(/is a range, not one device/.test(e.detail) ? `"${arg}" is a range; "dca read" takes single addresses (use "dca scan" for ranges)` : e.message);
  }
}

/** The address a name resolves to, or a DcaError that blames the name. */
async function resolveName(name: string): Promise<string> {
  try {
    return (await lookup(name)).address;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "";
    const why = code === "EAI_AGAIN" ? "cannot be resolved now" : "does not resolve";
    throw new DcaError(DcaError.from(e).code, `the name ${name} ${why}${code ? ` (${code})` : ""}; check the name, or give the address`, { cause: e });
  }
}

/**
 * Why the device read is not a printer, or undefined if it is one: a reading
 * with page counters, supplies or trays is one (a partial Printer-MIB still
 * counts); otherwise the test scan applies decides.
 */
async function notAPrinter(reading: DeviceReading, config: Config, host: string, port: number): Promise<string | undefined> {
  if (reading.counters.length || reading.supplies.length || reading.trays.length) return undefined;
  const cred = config.credentials.find((c) => c.name === reading.credential) ?? config.credentials[0]!;
  const session = createNetSnmpSession({ host, port, timeoutMs: config.snmp.timeout, retries: config.snmp.retries }, cred);
  try {
    const verdict = await classifyDevice({ version: cred.version, sysObjectId: reading.sysObjectId }, session);
    return verdict.printer ? undefined : verdict.reason;
  } finally {
    session.close();
  }
}

export async function readCommand(argv: string[]): Promise<number> {
  batchJitPolicy();
  const p = parseArgs(argv, SNMP_FLAGS, ["json"]);
  if (p.positional.length === 0) throw new UsageError("give at least one ADDRESS to read");
  const config = configFromArgs(p);
  const json = p.flags.has("json");
  let failed = 0;
  let others = 0;
  for (const arg of p.positional) {
    const ep = endpointOf(arg, config.snmp.port);
    try {
      const host = ep.isName ? await resolveName(ep.host) : ep.host;
      const reading = await readDevice({
        target: { host, port: ep.port, timeoutMs: config.snmp.timeout, retries: config.snmp.retries },
        credentials: config.credentials,
        hostname: ep.isName ? ep.host : undefined,
        limits: { deadlineMs: config.snmp.readDeadline },
      });
      process.stdout.write(json ? `${messageToJsonString(DeviceReadingSchema, reading)}\n` : formatReading(reading));
      const why = await notAPrinter(reading, config, host, ep.port);
      if (why) {
        others++;
        process.stderr.write(`dca read: ${arg} answered but is not a printer (${why}); its reading is printed as is, "dca scan" would skip it\n`);
      }
    } catch (e) {
      if (!(e instanceof DcaError)) throw e;
      failed++;
      process.stderr.write(`dca read: ${e.message}\n`);
    }
  }
  return failed > 0 ? 1 : others > 0 ? NOT_A_PRINTER_EXIT : 0;
}
