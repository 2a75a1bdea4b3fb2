/**
 * `dca service --state DIR`: what the Windows service control manager starts (the
 * MSI's ServiceInstall runs `"C:\Program Files\dca\dca.exe" service --state "C:\ProgramData\dca"`). Not for people,
 * so not in `dca --help`: it connects to the SCM, restricts the state folder,
 * activates with the installer's settings the first time, then runs `dca run`
 * until the SCM says stop. `dca service setup` and `dca service purge` are the
 * MSI's custom actions (setup-command.ts).
 */
import { stateDirFrom } from "../cli/state-dir.ts";
import { UsageError, flag, parseArgs } from "../../common/args.ts";
import { reportFailure } from "../../common/report-failure.ts";
import { activateFromInstallSettings } from "./first-activation.ts";
import { restrictStateDir } from "./install-settings.ts";
import { redirectOutputToLog } from "./service-log.ts";

/** The service's name in the SCM (the MSI's ServiceInstall Name). */
export const SERVICE_NAME = "dca";

export async function serviceCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "setup" || sub === "purge") return (await import("./setup-command.ts")).setupCommand(sub, rest);
  if (sub !== undefined && !sub.startsWith("--")) throw new UsageError(`unknown "dca service ${sub}"; the Windows installer runs "dca service", "dca service setup" and "dca service purge"`);
  if (process.platform !== "win32") {
    throw new UsageError('runs only when the Windows service control manager starts it; here run "dca run" under systemd or launchd (docs/install-windows-macos.md)');
  }
  const [{ runAsService }, { configureRestartOnFailure, win32ServiceApi }, { runCommand }, { activateCommand }] = await Promise.all([
    import("./run-as-service.ts"),
    import("./advapi32.ts"),
    import("../cli/run-command.ts"),
    import("../cli/activate-command.ts"),
  ]);
  // The MSI gives --state "[CommonAppDataFolder]dca": a service's %ProgramData% is not to be relied on (under wine it is C:\users\Public).
  const dir = stateDirFrom(flag(parseArgs(argv, ["state"], []), "state"));
  const consoleError = process.stderr.write.bind(process.stderr);
  const log = redirectOutputToLog(dir);
  const outcome = await runAsService(
    SERVICE_NAME,
    async (stop) => {
      log(`dca service: started (state folder ${dir})`);
      try {
        restrictStateDir(dir);
      } catch (e) {
        log(`dca service: ${(e as Error).message}`);
      }
      const restart = configureRestartOnFailure(SERVICE_NAME);
      if (restart !== 0) log(`dca service: could not ask the SCM to restart the service after a failure (error ${restart}); a self-update will need "sc start dca"`);
      const activated = await activateFromInstallSettings(dir, activateCommand, log, stop);
      if (activated !== 0 || stop.aborted) return activated;
      try {
        return await runCommand(["--state", dir], stop);
      } catch (e) {
        return reportFailure(e, { prefix: "dca run", write: (s) => process.stderr.write(s) });
      }
    },
    { api: win32ServiceApi, log },
  );
  if (outcome === "not-a-service") {
    consoleError('dca service: no service control manager started this process; install the MSI (docs/install-windows-macos.md), or run "dca run" in a console\n');
    return 2;
  }
  log(`dca service: stopped${outcome.stopRequested ? "" : ` by itself (exit ${outcome.exitCode}), reported to the SCM as a failure`}`);
  // The SCM has been told; the process ends now (the log is written synchronously). A handle still
  // open (a connection, a timer) must not keep a stopped service running: Windows Installer cannot
  // replace or remove dca.exe while its process lives (seen under wine: `msiexec /x` left dca.exe).
  process.exit(outcome.exitCode);
}
