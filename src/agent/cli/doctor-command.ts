/**
 * `dca doctor`: from the customer PC, checks what the agent's network needs
 * and prints a table the site's IT team can act on (or --json). Works on a
 * locked or not yet activated agent (with --hub), and beside a running one:
 * it takes no lock and changes nothing on the hub.
 */
import { EXIT_DOCTOR_FAILED } from "../../common/exit-codes.ts";
import { flag, parseArgs } from "../../common/args.ts";
import { DOCTOR_FLAGS, formatDoctorJson, formatDoctorTable, resolveDoctorSetup, runDoctor } from "../doctor/index.ts";
import { SNMP_FLAGS } from "./options.ts";
import { stateDirFrom } from "./state-dir.ts";

export async function doctorCommand(argv: string[]): Promise<number> {
  const p = parseArgs(argv, [...DOCTOR_FLAGS, ...SNMP_FLAGS], ["json"]);
  const setup = resolveDoctorSetup(p, stateDirFrom(flag(p, "state")));
  const report = await runDoctor(setup);
  process.stdout.write(p.flags.has("json") ? formatDoctorJson(report) : formatDoctorTable(report));
  return report.ok ? 0 : EXIT_DOCTOR_FAILED;
}
