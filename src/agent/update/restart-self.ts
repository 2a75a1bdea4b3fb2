/**
 * How the agent starts the executable that is now in place (after an update
 * or a rollback): it replaces itself with it (execve: the same process id,
 * so a terminal, a supervisor or systemd sees one process throughout), the
 * way `dca scan` re-executes itself (src/agent/cli/batch-jit.ts). Where a
 * process cannot replace itself (Windows), or DCA_RESTART=exit asks for it,
 * it exits with UPDATE_RESTART_EXIT and the service manager starts the file
 * again (systemd Restart=always, the Windows service's recovery).
 */
import { UPDATE_RESTART_EXIT } from "../../common/exit-codes.ts";

type Execve = (file: string, args: string[], env: Record<string, string | undefined>) => never;

/** Replaces the process with `exe argv...` (never returns), or returns the exit code to end with. */
export function restartSelf(exe: string, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const execve = (process as unknown as { execve?: Execve }).execve;
  if (env.DCA_RESTART !== "exit" && process.platform !== "win32" && typeof execve === "function") {
    try {
      execve(exe, [exe, ...argv], { ...env });
    } catch {
      // Not replaced: the service manager has to start it.
    }
  }
  return UPDATE_RESTART_EXIT;
}
