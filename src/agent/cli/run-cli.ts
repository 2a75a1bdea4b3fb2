/**
 * Dispatches a command line to its command. A failure ends as one line and
 * the exit code of its error's code (src/common/exit-codes.ts), never as a
 * stack trace.
 */
import { endQuietlyOnBrokenPipes } from "../../common/broken-pipe.ts";
import { reportFailure } from "../../common/report-failure.ts";
import { HELP } from "./help.ts";
import { existsSync } from "node:fs";
import { defaultStateDir } from "./state-dir.ts";

/**
 * Commands that take --state check the lock themselves; read and scan use the default folder.
 * The state code (SQLite, node:crypto, node streams) loads only when that folder exists: a
 * scan on a machine that was never activated does not pay for it.
 */
async function assertDefaultNotLocked(): Promise<void> {
  const dir = defaultStateDir();
  if (existsSync(dir)) (await import("../state/index.ts")).assertNotLocked(dir);
}

/**
 * Runs one command; each command's module is loaded only when it runs, so
 * `dca scan` does not pay for the service's MQTT, gRPC and store code. Returns its exit code (EXIT_CODES: 0 ok, 1 failed, 2 usage or configuration, 3 locked). */
export async function runCli(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  endQuietlyOnBrokenPipes();
  try {
    switch (cmd) {
      case "read":
        await assertDefaultNotLocked();
        return await (await import("./read-command.ts")).readCommand(rest);
      case "scan":
        await assertDefaultNotLocked();
        return await (await import("./scan-command.ts")).scanCommand(rest);
      case "activate":
        return await (await import("./activate-command.ts")).activateCommand(rest);
      case "run":
        return await (await import("./run-command.ts")).runCommand(rest);
      case "status":
        return await (await import("./status-command.ts")).statusCommand(rest);
      case "doctor":
        return await (await import("./doctor-command.ts")).doctorCommand(rest);
      case "service":
        // The Windows service and the MSI's actions; bun:ffi loads only on Windows (src/agent/winservice).
        return await (await import("../winservice/index.ts")).serviceCommand(rest);
      case "unlock":
        return await (await import("./unlock-command.ts")).unlockCommand(rest);
      default:
        process.stderr.write(`dca: unknown command "${cmd}"\n\n${HELP.main}`);
        return 2;
    }
  } catch (e) {
    return reportFailure(e, { prefix: `dca ${cmd}`, usage: `(see "dca ${cmd} --help")`, write: (s) => process.stderr.write(s) });
  }
}
