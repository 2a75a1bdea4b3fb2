/**
 * Issue 10, errors a person can act on, for `dca-hub` (and the lockout's
 * way out for `dca`): run as processes (the shipped binaries with
 * `npm run test:binary`), each wrong input ends in one line
 * "dca-hub <command>: what happened; what to do" and the README's exit
 * code; what used to be accepted and quietly changed is refused.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectErrorLine } from "../support/error-line.ts";
import { type HubProcess, agentCommand, agentEnv, freePort, hubCommand, runCommand, startHubProcess } from "../support/service-peers.ts";

let tmp: string;
let hub: HubProcess;
let busy: Server;
let busyPort: number;

/** dca-hub in `cwd` with no DCA_HUB_DATA, as a new user runs it. */
const hubIn = (cwd: string, ...args: string[]) => {
  const proc = Bun.spawn({ cmd: [...hubCommand(), ...args], cwd, stdout: "pipe", stderr: "pipe", env: { ...process.env, DCA_HUB_DATA: "", DCA_HUB_SESSION: join(cwd, "no-session.json") } });
  return Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]).then(([stdout, stderr, exitCode]) => ({ stdout, stderr, exitCode }));
};
const serve = (...args: string[]) => runCommand([...hubCommand(), "serve", "--mqtt-listen", "127.0.0.1:0", ...args], {}, 30_000);

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "dca-hub-errors-"));
  busy = createServer();
  busyPort = await new Promise<number>((r) => busy.listen(0, "127.0.0.1", () => r((busy.address() as { port: number }).port)));
  hub = await startHubProcess(join(tmp, "hub"));
  await hub.must("site", "create", "Acme Dental");
  await hub.must("site", "set-targets", "Acme Dental", "127.0.0.0/24");
}, 60_000);

afterAll(async () => {
  await hub?.kill9();
  busy?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe("dca-hub serve", () => {
  test("its port in use, the MQTT port in use", async () => {
    const data = join(tmp, "serve-busy");
    expectErrorLine(await serve("--data", data, "--listen", `127.0.0.1:${busyPort}`), 1, "dca-hub serve",
      `the hub cannot listen on 127.0.0.1:${busyPort}: another program already listens there`, "--listen HOST:PORT");
    const r = await runCommand([...hubCommand(), "serve", "--data", data, "--listen", `127.0.0.1:${await freePort()}`, "--mqtt-listen", `127.0.0.1:${busyPort}`], {}, 30_000);
    expectErrorLine(r, 1, "dca-hub serve", `MQTT over TLS cannot listen on 127.0.0.1:${busyPort}: another program already listens there`, "--mqtt-listen HOST:PORT", "--no-mqtt");
  }, 30_000);

  test("8883 taken (the default MQTT port): the hub says so and which option moves it, and goes on", async () => {
    // In a network namespace of its own, so that the test takes 8883 from nobody else.
    const hubCmd = hubCommand().map((a) => `'${a}'`).join(" ");
    const script = [
      "ip link set lo up",
      `python3 -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1", 8883)); s.listen(); print("bound", flush=True); time.sleep(20)' > ${tmp}/bound &`,
      `while ! grep -q bound ${tmp}/bound 2>/dev/null; do sleep 0.05; done`,
      `timeout -s INT 8 ${hubCmd} serve --data ${tmp}/serve-8883 --listen 127.0.0.1:0`,
      "kill %1",
    ].join("\n");
    const r = await runCommand(["unshare", "--net", "sh", "-c", script], {}, 30_000);
    expect(r.stderr).toContain("MQTT over TLS cannot listen on 127.0.0.1:8883: another program already listens there; stop it or choose another port with --mqtt-listen HOST:PORT");
    expect(r.stderr).toContain("(going on with MQTT over WebSocket on the hub's port only)");
    expect(r.stdout).toContain('"ready":true');
  }, 30_000);

  test("--data on a file, a missing or junk --cert", async () => {
    const file = join(tmp, "not-a-folder");
    writeFileSync(file, "junk\n");
    expectErrorLine(await serve("--data", file, "--listen", "127.0.0.1:0"), 2, "dca-hub serve", `--data ${file} is a file, not a folder; give --data a folder`);
    const data = join(tmp, "serve-cert");
    const missing = join(tmp, "missing.pem");
    expectErrorLine(await serve("--data", data, "--listen", "127.0.0.1:0", "--cert", missing, "--key", missing), 1, "dca-hub serve",
      `tls: cannot read the certificate file ${missing} (ENOENT); give --cert the certificate`);
    expectErrorLine(await serve("--data", data, "--listen", "127.0.0.1:0", "--cert", file, "--key", file), 2, "dca-hub serve",
      `tls: ${file} holds no PEM certificate; give --cert the certificate and its chain in PEM`);
  }, 30_000);

  test("--poll takes a duration with units, like every other duration", async () => {
    expectErrorLine(await serve("--data", join(tmp, "serve-poll"), "--listen", "127.0.0.1:0", "--poll", "5"), 2, "dca-hub serve", '--poll must be a duration such as 30s, 5m');
    expectErrorLine(await serve("--data", join(tmp, "serve-poll"), "--listen", "127.0.0.1:0", "--poll", "2d"), 2, "dca-hub serve", '--poll must be from 1s to 1d, got "2d"');
    const h = await startHubProcess(join(tmp, "serve-poll"), 0, ["--poll", "5m", "--no-mqtt"]);
    await h.stop();
  }, 30_000);
});

describe("admin commands", () => {
  test("not signed in: an admin command says how to sign in and makes nothing; --data is refused for it", async () => {
    const cwd = join(tmp, "new-user");
    mkdirSync(cwd);
    const session = join(cwd, "no-session.json");
    const r = await hubIn(cwd, "site", "list");
    expectErrorLine(r, 1, "dca-hub site list", `not signed in to a hub (no session in ${session})`, "run dca-hub login --hub https://HUB:8443");
    expect(existsSync(join(cwd, "dca-hub-data"))).toBe(false);
    expect(existsSync(session)).toBe(false);
    expectErrorLine(await hubIn(cwd, "site", "list", "--data", join(tmp, "empty")), 2, "dca-hub site list", "admin commands go through the hub's API now", "dca-hub login --hub");
    expect(existsSync(join(tmp, "empty"))).toBe(false);
  });

  test("every group answers --help with its commands; bare dca-hub is a usage error", async () => {
    for (const group of ["site", "code", "agent", "install", "device", "task", "mqtt"]) {
      const r = await hub.admin(group, "--help");
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toStartWith(`the ${group} commands are:\n  dca-hub ${group} `);
    }
    const bare = await hubIn(tmp);
    expect(bare.exitCode).toBe(2);
    expect(bare.stdout).toBe("");
    expect(bare.stderr).toStartWith("dca-hub: no command given\n");
  });

  test("site create suggests next commands with the name quoted for a shell", async () => {
    const r = await hub.admin("site", "create", "O'Brien Print");
    expect(r.stdout).toContain(`next: dca-hub site set-targets 'O'\\''Brien Print' TARGET..., dca-hub site add-credential 'O'\\''Brien Print' ..., then dca-hub code create 'O'\\''Brien Print'\n`);
    const shown = Bun.spawnSync(["sh", "-c", `printf '%s' 'O'\\''Brien Print'`]).stdout.toString();
    expect(shown).toBe("O'Brien Print");
  });

  test("task create: --tls-ports are probed, settings outside the agent's bounds are refused, a task can be canceled", async () => {
    const web = JSON.parse(await hub.must("task", "create", "Acme Dental", "web", "127.0.0.9", "--tls-ports", "9443", "--json"));
    expect(web.task.webProbe).toMatchObject({ ports: [80, 443, 8000, 9443], tlsPorts: [9443] });
    expectErrorLine(await hub.admin("task", "create", "Acme Dental", "ping", "127.0.0.9", "--count", "100000"), 2, "dca-hub task create",
      "--count must be from 1 to 100 (default 4), got 100000");
    const cancel = await hub.admin("task", "cancel", web.id);
    expect(cancel).toMatchObject({ exitCode: 0, stdout: `task ${web.id} canceled\n` });
    expect(JSON.parse(await hub.must("task", "show", web.id, "--json"))).toMatchObject({ state: "canceled" });
    expectErrorLine(await hub.admin("task", "cancel", web.id), 1, "dca-hub task cancel", "already finished (canceled)");
  });
});

describe("a lockout on the hub's own CA", () => {
  test("'1 attempt left'; after the admin's reset, dca unlock needs no --hub or --ca", async () => {
    const state = join(tmp, "agent");
    const dca = (...args: string[]) => runCommand([...agentCommand(), ...args, "--state", state], agentEnv(state));
    const activate = (code: string) => dca("activate", "--hub", hub.url, "--code", code, "--ca-fingerprint", hub.caFingerprint);
    for (let i = 1; i <= 5; i++) {
      const r = await activate(`WRNG-COD${i}`);
      const line = expectErrorLine(r, 1, "dca activate", "the hub refused: activation code not valid");
      if (i === 4) expect(line).toContain("(1 attempt left for this install)");
    }
    const status = await dca("status");
    expect(status.exitCode).toBe(3);
    expect(status.stdout).toContain("then run here: dca unlock\n");
    const id = /install id:\s+([0-9a-f]{32})/.exec(status.stdout)![1]!;
    const early = await dca("unlock");
    expect(early.stderr).toBe(`dca unlock: the hub has not reset this install yet; ask the hub admin to run: dca-hub install reset ${id}\n`);
    await hub.must("install", "reset", id);
    const unlocked = await dca("unlock");
    expect(unlocked).toMatchObject({ exitCode: 0, stderr: "" });
  }, 60_000);
});
