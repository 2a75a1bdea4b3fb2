/**
 * One device to read: a single address or host name, with an optional port,
 * in the same syntax as scan targets (the discovery parser is the one source):
 * "10.0.0.7", "10.0.0.7:1161", "[fd00::7]:1161", "printer.example".
 */
import { formatIp } from "./ip-address.ts";
import { TargetError, parseTargetSpec } from "./target-spec.ts";

export interface Endpoint {
  host: string;
  port: number;
  /** True when host is a DNS name rather than an address. */
  isName: boolean;
}

/** Throws TargetError for bad syntax and for a range (more than one address). */
export function parseEndpoint(input: string, defaultPort: number): Endpoint {
  const spec = parseTargetSpec(input);
  const port = spec.port ?? defaultPort;
  if (spec.kind === "name") return { host: spec.name, port, isName: true };
  if (spec.start !== spec.end || spec.subnet) throw new TargetError(input, "it is a range, not one device address");
  return { host: formatIp(spec.family, spec.start), port, isName: false };
}
