/**
 * The JIT settings of the one-shot commands that read printers (`dca scan`,
 * `dca read`), which differ from the service's.
 *
 * The executable starts with JavaScriptCore's tier-up thresholds scaled by
 * 1,000 (build/compile.ts): right for `dca run`, whose work comes in short
 * passes. A scan is one burst of a second or two over the same few hundred
 * functions (BER, walks, readings, JSON): in the interpreter they are slow,
 * and the optimising tiers (DFG, FTL) cost more compile time than they save
 * before the process ends. What pays is the baseline JIT at its normal
 * threshold and no optimising tiers: 250 printers, 0.66-0.82 s CPU against
 * 0.71-0.93 s with the executable's policy in the same run, and in the bench
 * 0.67 s against 0.84-0.91 s before (test/bench/read/README.md, row 1).
 *
 * JavaScriptCore reads such options (BUN_JSC_useDFGJIT) only from the
 * environment when the process starts, and an executable cannot carry them,
 * so the command replaces itself once with the option set: the same process
 * id and standard streams, nothing left running; 10-30 ms of CPU and 1 MB. A user's own
 * BUN_JSC_useDFGJIT is left as it is and never overridden.
 */

/** The commands that run as one burst of reads. */
const BATCH_COMMANDS = new Set(["scan", "read"]);
const OPTION = "BUN_JSC_useDFGJIT";

type Execve = (file: string, args: string[], env: Record<string, string | undefined>) => never;

/** True inside the compiled executable (its modules live under bun's virtual /$bunfs/). */
const compiled = () => (process.argv[1] ?? "").startsWith("/$bunfs/");

/**
 * For a batch command (`argv[0]` is the command) started without the option:
 * the compiled executable replaces itself with itself, the option set (never
 * returns). Any other command, a run from the sources, or a platform that
 * cannot replace a process (Windows, `process.execve` missing or failing)
 * returns and keeps the executable's own settings.
 */
export function reexecForBatch(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  if (!BATCH_COMMANDS.has(argv[0] ?? "") || env[OPTION] !== undefined) return;
  // Runtime options (--cpu-prof, --inspect) start threads that signal the main thread
  // (SIGPWR suspends it for a sample); one sent during the exec kills the new image
  // before it can handle it. A developer who sets them gets the executable as it is.
  if (env.BUN_OPTIONS) return;
  const execve = (process as unknown as { execve?: Execve }).execve;
  if (typeof execve !== "function" || process.platform === "win32" || !compiled()) return;
  try {
    execve(process.execPath, [process.execPath, ...argv], { ...env, [OPTION]: "0" });
  } catch {
    // Not replaced: run as we are.
  }
}

/**
 * Called by a batch command once its modules are loaded (start-up code runs
 * once and stays in the interpreter, as the executable's policy wants): with
 * the optimising tiers off, the normal tier-up thresholds from here on, so
 * the reading code reaches the baseline JIT at once. With them on, nothing
 * changes (normal thresholds would bring DFG and FTL compiles back).
 */
export function batchJitPolicy(env: NodeJS.ProcessEnv = process.env): void {
  if (env[OPTION] !== "0") return;
  (Bun as unknown as { unsafe: { setJITPolicy?: (scale: number) => void } }).unsafe.setJITPolicy?.(1);
}
