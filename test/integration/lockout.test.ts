/**
 * The 5-attempt activation lockout, with real processes: the agent counts
 * wrong codes in its sealed state and the hub per install; locked, every
 * command but --version and status refuses and says how to recover;
 * deleting the obvious file does not help; a hub admin reset plus
 * `dca unlock` does.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { type Server, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type HubProcess, activateAgent, agentCommand, agentEnv, runCommand, startHubProcess } from "../support/service-peers.ts";

let tmp: string;
let hub: HubProcess;
const state = () => join(tmp, "agent");
const dca = (...args: string[]) => runCommand([...agentCommand(), ...args], agentEnv(state()));

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "dca-lockout-"));
  hub = await startHubProcess(join(tmp, "hub"));
  await hub.must("site", "create", "Acme");
}, 60_000);

afterAll(async () => {
  await hub?.kill9();
  rmSync(tmp, { recursive: true, force: true });
});

describe("activation lockout", () => {
  test("5 wrong codes lock the agent; the hub counts them too", async () => {
    for (let i = 1; i <= 5; i++) {
      const r = await activateAgent(hub, state(), `WRNG-COD${i}`);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain("not valid");
      expect(r.stderr).toContain(i < 5 ? `${i} of 5 failed activations` : "this agent is now locked");
    }
    const installs = JSON.parse(await hub.must("install", "list", "--json")) as { installId: string; failedAttempts: number; locked: boolean }[];
    expect(installs).toHaveLength(1);
    expect(installs[0]).toMatchObject({ failedAttempts: 5, locked: true });
  }, 60_000);

  test("locked: a valid code, run, read and scan refuse; --version and status work and say how to recover", async () => {
    const code = JSON.parse(await hub.must("code", "create", "Acme", "--json")).code as string;
    const act = await activateAgent(hub, state(), code);
    expect(act.exitCode).toBe(3);
    expect(act.stderr).toContain("locked");
    for (const args of [["run", "--state", state()], ["read", "127.0.0.1"], ["scan", "127.0.0.1"]]) {
      const r = await dca(...args);
      expect(r.exitCode).toBe(3);
      expect(r.stderr).toContain("dca-hub install reset");
    }
    expect((await dca("--version")).exitCode).toBe(0);
    const status = await dca("status", "--state", state());
    expect(status.exitCode).toBe(3);
    expect(status.stdout).toContain("LOCKED after 5 failed activations");
    const id = /install id:\s+([0-9a-f]{32})/.exec(status.stdout)?.[1];
    expect(id).toBeDefined();
    expect(status.stdout).toContain(`dca-hub install reset ${id}`);
    // The code was not consumed by the refused attempt: the agent never sent it.
    const installs = JSON.parse(await hub.must("install", "list", "--json")) as { failedAttempts: number }[];
    expect(installs[0]!.failedAttempts).toBe(5);
  }, 60_000);

  test("deleting the obvious file does not unlock", async () => {
    rmSync(join(state(), "lock.sealed"), { force: true });
    rmSync(join(state(), "identity.json"), { force: true });
    const status = await dca("status", "--state", state());
    expect(status.exitCode).toBe(3);
  }, 30_000);

  test("deleting the whole state folder: status still says locked, as activate would", async () => {
    rmSync(state(), { recursive: true, force: true });
    const status = await dca("status", "--state", state());
    expect(status.exitCode).toBe(3);
    expect(status.stdout).toContain("LOCKED after 5 failed activations");
    expect(status.stdout).not.toContain("run dca activate");
    expect(existsSync(state())).toBe(false);
  }, 30_000);

  test("unlock needs the hub admin's reset; after it, a valid code activates", async () => {
    const before = await dca("unlock", "--state", state(), "--hub", hub.url, "--ca", hub.caPath);
    expect(before.exitCode).toBe(1);
    expect(before.stderr).toContain("has not reset this install");
    const status = await dca("status", "--state", state(), "--json");
    const id = (JSON.parse(status.stdout) as { installId: string }).installId;
    await hub.must("install", "reset", id);
    const after = await dca("unlock", "--state", state(), "--hub", hub.url, "--ca", hub.caPath);
    expect(after.stderr).toBe("");
    expect(after.exitCode).toBe(0);
    const code = JSON.parse(await hub.must("code", "create", "Acme", "--json")).code as string;
    const act = await activateAgent(hub, state(), code);
    expect(act.stderr).toBe("");
    expect(act.exitCode).toBe(0);
    expect((await dca("status", "--state", state())).exitCode).toBe(0);
  }, 60_000);
});

describe("an attempt counts before the hub answers", () => {
  test("killed while the hub has not answered, the attempt stays counted; a hub that cannot be reached counts nothing", async () => {
    const dir = join(tmp, "agent-killed");
    const held: import("node:net").Socket[] = [];
    // A "hub" that accepts the connection and never says a word: the agent waits in its TLS handshake.
    const silent: Server = createServer((sock) => void held.push(sock));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as { port: number }).port;
    try {
      const proc = Bun.spawn([...agentCommand(), "activate", "--hub", `https://127.0.0.1:${port}`, "--code", "ABCD-EFGH", "--ca", hub.caPath, "--state", dir], {
        env: { ...process.env, ...agentEnv(dir) },
        stdout: "ignore",
        stderr: "ignore",
      });
      const end = Date.now() + 10_000;
      while (!held.length && Date.now() < end) await Bun.sleep(20);
      expect(held.length).toBeGreaterThan(0);
      proc.kill("SIGKILL");
      await proc.exited;
    } finally {
      for (const s of held) s.destroy();
      silent.close();
    }
    const after = JSON.parse((await runCommand([...agentCommand(), "status", "--state", dir, "--json"], agentEnv(dir))).stdout);
    expect(after.failedActivations).toBe(1);

    // Connection refused (the port just closed): the hub never judged a code, so the attempt is given back.
    const refused = await runCommand([...agentCommand(), "activate", "--hub", `https://127.0.0.1:${port}`, "--code", "ABCD-EFGH", "--ca", hub.caPath, "--state", dir], agentEnv(dir));
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain("nothing counted against this install");
    const again = JSON.parse((await runCommand([...agentCommand(), "status", "--state", dir, "--json"], agentEnv(dir))).stdout);
    expect(again.failedActivations).toBe(1);
  }, 60_000);
});
