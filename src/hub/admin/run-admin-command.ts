/**
 * Runs one admin command of `dca-hub` against the store in the data
 * folder: one dispatch table of "noun verb" to handler, one place that
 * turns a failure into one line and its exit code (src/common/exit-codes.ts).
 */
import { parseArgs } from "../../common/args.ts";
import { systemClock } from "../../common/clock.ts";
import { reportFailure } from "../../common/report-failure.ts";
import { type HubStore, openHubStore } from "../store/index.ts";
import type { AdminCommand, AdminIo } from "./admin-context.ts";
import { ADMIN_HELP } from "./admin-help.ts";
import { AGENT_COMMANDS } from "./agent-commands.ts";
import { DEVICE_COMMANDS } from "./device-commands.ts";
import { SITE_COMMANDS } from "./site-commands.ts";
import { SITE_CONFIG_COMMANDS } from "./site-config-commands.ts";
import { MQTT_COMMANDS } from "./mqtt-commands.ts";
import { TASK_COMMANDS } from "./task-commands.ts";

export { ADMIN_HELP } from "./admin-help.ts";

/** Every admin command by its two words ("site create"). */
export const ADMIN_COMMANDS: Readonly<Record<string, AdminCommand>> = {
  ...SITE_COMMANDS,
  ...SITE_CONFIG_COMMANDS,
  ...AGENT_COMMANDS,
  ...DEVICE_COMMANDS,
  ...TASK_COMMANDS,
  ...MQTT_COMMANDS,
};

/**
 * Runs `argv` (without `--data DIR`, which the hub main has taken out).
 * Returns the exit code: 0 ok, 1 the command failed (unknown site, name
 * taken...), 2 a usage or configuration error. Messages never include a secret.
 */
export async function runAdminCommand(argv: string[], io: AdminIo): Promise<number> {
  const [noun, verb, ...rest] = argv;
  if (noun === undefined || noun === "help" || noun === "--help" || noun === "-h") {
    (noun === undefined ? io.err : io.out)(ADMIN_HELP);
    return noun === undefined ? 2 : 0;
  }
  const name = `${noun} ${verb ?? ""}`.trim();
  const command = ADMIN_COMMANDS[name];
  if (!command) {
    io.err(`dca-hub: unknown command "${name}"\n\n${ADMIN_HELP}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(`Usage: dca-hub ${command.usage}\n`);
    return 0;
  }
  let store: HubStore | undefined;
  try {
    const args = parseArgs(rest, command.valued ?? [], command.booleans ?? []);
    const clock = io.clock ?? systemClock;
    store = openHubStore(io.dataDir, { clock });
    return command.run({ store, io, now: () => new Date(clock.now()) }, args);
  } catch (e) {
    return reportFailure(e, { prefix: `dca-hub ${name}`, usage: `usage: dca-hub ${command.usage}`, write: io.err });
  } finally {
    store?.close();
  }
}
