/** Dispatches a command line to its command; maps errors to exit codes. */
import { ConfigError } from "../config/load-config.ts";
import { ReadError } from "../reader/read-device.ts";
import { UsageError } from "../../common/args.ts";
import { HELP } from "./help.ts";
import { existsSync } from "node:fs";
import { AgentLockedError, assertNotLocked } from "../state/index.ts";
import { activateCommand } from "./activate-command.ts";
import { readCommand } from "./read-command.ts";
import { runCommand } from "./run-command.ts";
import { scanCommand } from "./scan-command.ts";
import { defaultStateDir } from "./state-dir.ts";
import { statusCommand } from "./status-command.ts";
import { unlockCommand } from "./unlock-command.ts";

/** Commands that take --state check the lock themselves; read and scan use the default folder. */
function assertDefaultNotLocked(): void {
  const dir = defaultStateDir();
  if (existsSync(dir)) assertNotLocked(dir);
}

/** Exit codes: 0 ok, 1 some device failed, 2 usage or configuration error, 3 locked. */
export async function runCli(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case "read":
        assertDefaultNotLocked();
        return await readCommand(rest);
      case "scan":
        assertDefaultNotLocked();
        return await scanCommand(rest);
      case "activate":
        return await activateCommand(rest);
      case "run":
        return await runCommand(rest);
      case "status":
        return await statusCommand(rest);
      case "unlock":
        return await unlockCommand(rest);
      default:
        process.stderr.write(`dca: unknown command "${cmd}"\n\n${HELP.main}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      process.stderr.write(`dca ${cmd}: ${e.message}\n(see "dca ${cmd} --help")\n`);
      return 2;
    }
    if (e instanceof AgentLockedError) {
      process.stderr.write(`dca ${cmd}: ${e.message}\n`);
      return 3;
    }
    if (e instanceof ReadError) {
      process.stderr.write(`dca ${cmd}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
