/**
 * A command's output piped into a reader that stops early (`dca scan --json
 * | head`) is not a failure: once the reader is gone there is no one to tell,
 * so the process ends at once, with the exit code it had so far, instead of
 * dying with an EPIPE stack trace. Bun writes to a pipe synchronously and
 * throws; Node-style streams emit "error" later: both are caught here.
 */

/** Makes a broken pipe on `stream` end the process quietly. Idempotent. */
export function endQuietlyOnBrokenPipe(stream: NodeJS.WriteStream, exit: (code: number) => never = process.exit): void {
  const marked = stream as NodeJS.WriteStream & { dcaBrokenPipe?: true };
  if (marked.dcaBrokenPipe) return;
  marked.dcaBrokenPipe = true;
  const end = (): never => exit(typeof process.exitCode === "number" ? process.exitCode : 0);
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((...args: unknown[]) => {
    try {
      return write(...args);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EPIPE") end();
      throw e;
    }
  }) as typeof stream.write;
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") end();
    throw e;
  });
}

/** The same for stdout and stderr: what every command of both executables does first. */
export function endQuietlyOnBrokenPipes(): void {
  endQuietlyOnBrokenPipe(process.stdout);
  endQuietlyOnBrokenPipe(process.stderr);
}
