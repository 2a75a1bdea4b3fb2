/** `dca read ADDRESS...`: reads each printer and prints a table or JSON. */
import { DeviceReadingSchema } from "../../gen/dca/v1/reading_pb.ts";
import { messageToJsonString } from "../../common/message-json.ts";
import { type Endpoint, parseEndpoint } from "../../common/endpoint.ts";
import { TargetError } from "../../common/target-spec.ts";
import { readDevice } from "../reader/read-device.ts";
import { parseArgs, UsageError } from "../../common/args.ts";
import { formatReading } from "./format-reading.ts";
import { SNMP_FLAGS, configFromArgs } from "./options.ts";
import { DcaError } from "../../common/errors.ts";

function endpointOf(arg: string, defaultPort: number): Endpoint {
  try {
    return parseEndpoint(arg, defaultPort);
  } catch (e) {
    if (!(e instanceof TargetError)) throw e;
    throw new UsageError(/is a range, not one device/.test(e.detail) ? `"${arg}" is a range; "dca read" takes single addresses (use "dca scan" for ranges)` : e.message);
  }
}

export async function readCommand(argv: string[]): Promise<number> {
  const p = parseArgs(argv, SNMP_FLAGS, ["json"]);
  if (p.positional.length === 0) throw new UsageError("give at least one ADDRESS to read");
  const config = configFromArgs(p);
  const json = p.flags.has("json");
  let failed = 0;
  for (const arg of p.positional) {
    const ep = endpointOf(arg, config.snmp.port);
    try {
      const reading = await readDevice({
        target: { host: ep.host, port: ep.port, timeoutMs: config.snmp.timeout, retries: config.snmp.retries },
        credentials: config.credentials,
        hostname: ep.isName ? ep.host : undefined,
      });
      process.stdout.write(json ? `${messageToJsonString(DeviceReadingSchema, reading)}\n` : formatReading(reading));
    } catch (e) {
      if (!(e instanceof DcaError)) throw e;
      failed++;
      process.stderr.write(`dca read: ${e.message}\n`);
    }
  }
  return failed > 0 ? 1 : 0;
}
