/**
 * One device to read: a single address or host name, with an optional port,
 * in the same syntax as scan targets (the discovery parser is the one source).
 */
import { formatIp } from "../discovery/ip-address.ts";
import { TargetError, parseTargetSpec } from "../discovery/target-spec.ts";
import { UsageError } from "./args.ts";

export interface Endpoint {
  host: string;
  port: number;
  /** True when host is a DNS name rather than an address. */
  isName: boolean;
}

export function parseEndpoint(input: string, defaultPort: number): Endpoint {
  let spec;
  try {
    spec = parseTargetSpec(input);
  } catch (e) {
    if (e instanceof TargetError) throw new UsageError(e.message);
    throw e;
  }
  const port = spec.port ?? defaultPort;
  if (spec.kind === "name") return { host: spec.name, port, isName: true };
  if (spec.start !== spec.end || spec.subnet) {
    throw new UsageError(`"${input}" is a range; "dca read" takes single addresses (use "dca scan" for ranges)`);
  }
  return { host: formatIp(spec.family, spec.start), port, isName: false };
}
