/**
 * Runs one admin command of `dca-hub` against the store in the data
 * folder: one dispatch table of "noun verb" to handler, one place that
 * turns a failure into one line and its exit code (src/common/exit-codes.ts).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "../../common/args.ts";
import { DcaError } from "../../common/errors.ts";
import { systemClock } from "../../common/clock.ts";
import { reportFailure } from "../../common/report-failure.ts";
import { HUB_DB_FILE, type HubStore, openHubStore } from "../store/index.ts";
import type { AdminCommand, AdminIo } from "./admin-context.ts";
import { ADMIN_HELP } from "./admin-help.ts";
import { connectAdmin } from "./admin-client.ts";
import { adminTarget, withTargetFlags } from "./admin-target.ts";
import { AGENT_COMMANDS } from "./agent-commands.ts";
import { DEVICE_COMMANDS } from "./device-commands.ts";
import { METERS_COMMANDS } from "./meters-commands.ts";
import { DEVICE_SHOW_COMMANDS } from "./device-show-command.ts";
import { OVERVIEW_COMMANDS } from "./overview-command.ts";
import { SITE_COMMANDS } from "./site-commands.ts";
import { SITE_CONFIG_COMMANDS } from "./site-config-commands.ts";
import { MQTT_COMMANDS } from "./mqtt-commands.ts";
import { TASK_COMMANDS } from "./task-commands.ts";
import { USER_COMMANDS } from "./user-commands.ts";
import { USER_SWITCH_COMMANDS } from "./user-switch-commands.ts";
import { GROUP_COMMANDS, ROLE_COMMANDS } from "./role-commands.ts";
import { SECURITY_COMMANDS } from "./security-commands.ts";
import { SSO_COMMANDS } from "./sso-commands.ts";
import { AUDIT_COMMANDS } from "./audit-commands.ts";
import { RELEASE_COMMANDS } from "./release-commands.ts";
import { RELAY_COMMANDS } from "./relay-commands.ts";
import { UPDATE_COMMANDS } from "./update-commands.ts";
import { LOGIN_COMMANDS } from "./login-commands.ts";
import { ACCOUNT_COMMANDS } from "./account-commands.ts";
import { SITE_WEB_ACCESS_COMMANDS, WEB_ACCESS_COMMANDS } from "./web-access-commands.ts";
import { ALERT_COMMANDS } from "./alert-commands.ts";
import { ALERT_CHANNEL_COMMANDS } from "./alert-channel-commands.ts";

export { ADMIN_HELP } from "./admin-help.ts";

/** Every admin command by its two words ("site create"). */
export const ADMIN_COMMANDS: Readonly<Record<string, AdminCommand>> = {
  ...LOGIN_COMMANDS,
  ...ACCOUNT_COMMANDS,
  ...SITE_COMMANDS,
  ...SITE_CONFIG_COMMANDS,
  ...AGENT_COMMANDS,
  ...DEVICE_COMMANDS,
  ...METERS_COMMANDS,
  ...DEVICE_SHOW_COMMANDS,
  ...OVERVIEW_COMMANDS,
  ...TASK_COMMANDS,
  ...MQTT_COMMANDS,
  ...RELEASE_COMMANDS,
  ...UPDATE_COMMANDS,
  ...SITE_WEB_ACCESS_COMMANDS,
  ...WEB_ACCESS_COMMANDS,
  ...RELAY_COMMANDS,
  ...USER_COMMANDS,
  ...USER_SWITCH_COMMANDS,
  ...ROLE_COMMANDS,
  ...GROUP_COMMANDS,
  ...SECURITY_COMMANDS,
  ...SSO_COMMANDS,
  ...AUDIT_COMMANDS,
  ...ALERT_COMMANDS,
  ...ALERT_CHANNEL_COMMANDS,
};

/**
 * Runs `argv` (without `--data DIR`, which the hub main has taken out).
 * Returns the exit code: 0 ok, 1 the command failed (unknown site, name
 * taken...), 2 a usage or configuration error. Messages never include a secret.
 */
export async function runAdminCommand(argv: string[], io: AdminIo): Promise<number> {
  // One-word commands (login, logout) take everything after them as their arguments.
  const single = argv[0] !== undefined && ADMIN_COMMANDS[argv[0]] !== undefined;
  const noun = argv[0];
  const verb = single ? undefined : argv[1];
  const rest = argv.slice(single ? 1 : 2);
  if (noun === undefined || noun === "help" || noun === "--help" || noun === "-h") {
    if (noun === "help" && verb !== undefined && groupUsage(verb)) return (io.out(groupUsage(verb)!), 0);
    (noun === undefined ? io.err : io.out)(ADMIN_HELP);
    return noun === undefined ? 2 : 0;
  }
  const group = groupUsage(noun);
  if (group && (verb === undefined || verb === "--help" || verb === "-h" || verb === "help")) {
    if (verb === undefined) io.err(`dca-hub ${noun}: which one? ${group}`);
    else io.out(group);
    return verb === undefined ? 2 : 0;
  }
  const name = `${noun} ${verb ?? ""}`.trim();
  const command = ADMIN_COMMANDS[name];
  if (!command) {
    io.err(group ? `dca-hub: unknown command "${name}"; ${group}` : `dca-hub: unknown command "${name}"\n\n${ADMIN_HELP}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(`Usage: dca-hub ${command.usage}\n`);
    return 0;
  }
  let store: HubStore | undefined;
  try {
    const clock = io.clock ?? systemClock;
    if (command.standalone) {
      const args = parseArgs(rest, command.valued ?? [], command.booleans ?? []);
      return await command.run({ store: undefined as never, api: undefined as never, io, now: () => new Date(clock.now()) }, args);
    }
    if (command.remote) {
      const { valued, booleans } = withTargetFlags(command);
      const args = parseArgs(rest, valued, booleans);
      const noStore = new Proxy({}, { get: () => { throw new Error(`"${name}" is a client of the hub's API and has no store`); } });
      // Connected on first use: a command may not need the hub at all (audit verify --file).
      let api = io.api;
      const ctx = {
        store: noStore as HubStore,
        get api() {
          return (api ??= connectAdmin(adminTarget(args, io.env ?? process.env)));
        },
        io,
        now: () => new Date(clock.now()),
      };
      return await command.run(ctx, args);
    }
    const args = parseArgs(rest, command.valued ?? [], command.booleans ?? []);
    if (io.existingStore) assertHubStore(io.dataDir, io.existingStore.lookedUp);
    store = openHubStore(io.dataDir, { clock });
    return await command.run({ store, api: undefined as never, io, now: () => new Date(clock.now()) }, args);
  } catch (e) {
    return reportFailure(e, { prefix: `dca-hub ${name}`, usage: `usage: dca-hub ${command.usage}`, write: io.err });
  } finally {
    store?.close();
  }
}

/** The usage of every command of one group ("site", "task"), or undefined if `noun` is none. */
function groupUsage(noun: string): string | undefined {
  const lines = Object.entries(ADMIN_COMMANDS)
    .filter(([name]) => name.startsWith(`${noun} `))
    .map(([, c]) => `  dca-hub ${c.usage}`);
  return lines.length ? `the ${noun} commands are:\n${lines.join("\n")}\n(add --help to one for its usage)\n` : undefined;
}

/**
 * Only `serve` makes a hub store: an admin command pointed at a folder
 * without one is refused rather than given a new, empty fleet.
 */
function assertHubStore(dataDir: string, lookedUp: string): void {
  if (existsSync(join(dataDir, HUB_DB_FILE))) return;
  throw new DcaError(
    "not-found",
    `no hub data in ${dataDir} (${lookedUp}); give --data the folder "dca-hub serve" uses, or set DCA_HUB_DATA (only serve makes a new one)`,
  );
}
