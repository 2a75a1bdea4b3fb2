/** Waiting for a peer process the tests started to accept TCP connections on loopback. */
import type { ChildProcess } from "node:child_process";
import { connect } from "node:net";

/**
 * Resolves once 127.0.0.1:`port` accepts a connection; fails early if `child`
 * exits, and after `ms`, with what the process printed (`output`).
 */
export async function waitForPort(what: string, port: number, child: ChildProcess, output: () => string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited at start (${child.exitCode}): ${output()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: "127.0.0.1", port });
      s.once("connect", () => (s.destroy(), resolve(true)));
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    await Bun.sleep(50);
  }
  throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${ms} ms: ${output()}`);
}
