/** Dispatches a command line to its command; maps errors to exit codes. */
import { ConfigError } from "../config/load-config.ts";
import { ReadError } from "../reader/read-device.ts";
import { UsageError } from "./args.ts";
import { HELP } from "./help.ts";
import { readCommand } from "./read-command.ts";
import { scanCommand } from "./scan-command.ts";

/** Exit codes: 0 ok, 1 some device failed, 2 usage or configuration error. */
export async function runCli(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case "read":
        return await readCommand(rest);
      case "scan":
        return await scanCommand(rest);
      default:
        process.stderr.write(`dca: unknown command "${cmd}"\n\n${HELP.main}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      process.stderr.write(`dca ${cmd}: ${e.message}\n(see "dca ${cmd} --help")\n`);
      return 2;
    }
    if (e instanceof ReadError) {
      process.stderr.write(`dca ${cmd}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
