/**
 * SNMP to one printer the IT team names (--printer): each credential the
 * agent would use (the command line's, else the site's saved config, else
 * the default) tried by the agent's own SNMP test task, which reports names
 * and versions only, never a community or password.
 */
import { create } from "@bufbuild/protobuf";
import { SnmpTestTaskSchema, TaskStatus } from "../../gen/dca/v1/agent_service_pb.ts";
import { SnmpVersion } from "../../gen/dca/v1/reading_pb.ts";
import type { Config } from "../../common/config/index.ts";
import { parseEndpoint } from "../../common/endpoint.ts";
import { runSnmpTest } from "../service/tasks/snmp-test.ts";
import { type CheckContext, type CheckOutcome, fail, pass, skip } from "./check-result.ts";
import type { DoctorSetup } from "./doctor-setup.ts";

const VERSION_NAMES: Partial<Record<SnmpVersion, string>> = { [SnmpVersion.V1]: "v1", [SnmpVersion.V2C]: "v2c", [SnmpVersion.V3]: "v3" };

/** Each credential gets the check's time: one try and one retry, at most half of it each. */
function withinTime(config: Config, timeoutMs: number): Config {
  return { ...config, snmp: { ...config.snmp, timeout: Math.min(config.snmp.timeout, Math.floor(timeoutMs / 2) - 100), retries: Math.min(config.snmp.retries, 1) } };
}

export async function checkSnmp(s: DoctorSetup, ctx: CheckContext): Promise<CheckOutcome> {
  const printer = s.printer;
  if (!printer) return skip("not checked: name a printer with --printer ADDRESS");
  const config = withinTime(printer.config, ctx.timeoutMs);
  const outcome = await runSnmpTest(create(SnmpTestTaskSchema, { address: printer.address }), config);
  const result = outcome.result?.kind.case === "snmpTest" ? outcome.result.kind.value : undefined;
  const checks = result?.credentials ?? [];
  const named = (c: (typeof checks)[number]) => `${c.name} (${VERSION_NAMES[c.version] ?? "?"})`;
  const working = checks.filter((c) => c.ok);
  if (outcome.status === TaskStatus.DONE && working.length) {
    const failing = checks.filter((c) => !c.ok);
    const descr = working[0]!.sysDescr ? `: ${working[0]!.sysDescr.slice(0, 60)}` : "";
    return pass(`${printer.address} answers with ${working.map(named).join(", ")}${failing.length ? `; not with ${failing.map(named).join(", ")}` : ""} (from ${printer.source})${descr}`);
  }
  const { port } = parseEndpoint(printer.address, config.snmp.port);
  const why = checks.length ? checks.map((c) => `${named(c)}: ${c.error}`).join("; ") : outcome.message;
  return fail(
    `${printer.address} answers none of ${checks.length === 1 ? "the 1 credential" : `the ${checks.length} credentials`} from ${printer.source}: ${why}`,
    `allow UDP ${port} from this PC to ${printer.address}, turn SNMP on at the printer, and check its community or SNMPv3 user`,
  );
}
