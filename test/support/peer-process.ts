/** Peer processes the tests start (mosquitto, tinyproxy, squid): waiting until they listen, and stopping them. */
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

/** SIGTERM, then SIGKILL after 3 s; resolves once the process has exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(timer);
}
