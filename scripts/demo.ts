/**
 * `npm run demo`: the whole product on loopback. A simulated printer fleet
 * (real and made-up recordings), a hub on its embedded store with its own
 * CA, an agent activated with a one-time code, its first discovery, and
 * the fleet as the hub sees it. Hub and agent then keep running until
 * Ctrl-C (`--once` stops after the table). Nothing leaves 127.0.0.0/8.
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const once = process.argv.includes("--once");
const shared = join(root, "..", "shared", "fixtures", "printers");
const recordings = [join(root, "test", "fixtures", "snmprec"), ...(existsSync(shared) ? [shared] : [])];
const simPort = 16161;
const built = (name: string) => existsSync(join(root, "build/out", name));
const dca = built("dca") ? [join(root, "build/out/dca")] : [process.execPath, join(root, "src/agent/main.ts")];
const hubBin = built("dca-hub") ? [join(root, "build/out/dca-hub")] : [process.execPath, join(root, "src/hub/main.ts")];
const work = mkdtempSync(join(tmpdir(), "dca-demo-"));
const hubData = join(work, "hub");
const agentState = join(work, "agent");
const agentEnv = { ...process.env, DCA_STATE_DIR: agentState, DCA_SEAL_DIR: join(work, "agent.seal") };
const children: ReturnType<typeof Bun.spawn>[] = [];
const started = performance.now();
const say = (s: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${s}`);

function cleanup() {
  for (const c of children) c.kill();
}
process.on("exit", cleanup);
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    console.log("\nstopping hub, agent and simulator");
    cleanup();
    process.exit(0);
  });
}

async function portFree(port: number): Promise<boolean> {
  const srv = createServer();
  return new Promise((resolve) => {
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** Starts a child and resolves with the first stdout line matching `ready`. */
async function start(cmd: string[], ready: RegExp, env: Record<string, string | undefined> = process.env) {
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe", env });
  children.push(proc);
  let out = "";
  let err = "";
  (async () => {
    for await (const c of proc.stderr) err += new TextDecoder().decode(c);
  })();
  const reader = proc.stdout.getReader();
  while (!ready.test(out)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${cmd.join(" ")} stopped:\n${err}`);
    out += new TextDecoder().decode(value);
  }
  return { proc, line: ready.exec(out)![0], stderr: () => err };
}

async function run(cmd: string[], env: Record<string, string | undefined> = process.env): Promise<string> {
  const p = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe", env });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`${cmd.slice(-6).join(" ")} failed: ${err || out}`);
  return out;
}
// The hub's first owner (break glass, before the hub starts), then the admin commands as that owner.
const ownerPasswordFile = join(work, "owner-password");
const sessionFile = join(work, "session.json");
writeFileSync(ownerPasswordFile, `walnut harbour ${randomBytes(9).toString("hex")}\n`, { mode: 0o600 });
const sessionEnv = { ...process.env, DCA_HUB_SESSION: sessionFile };
const admin = (...args: string[]) => run([...hubBin, ...args], sessionEnv);

say(`starting 48 simulated SNMP devices on 127.20.0.1-48:${simPort} (10 % silent)`);
await start(
  [process.execPath, join(root, "test/sim/main.ts"), "--recordings", recordings.join(","), "--base", "127.20.0.1", "--count", "48", "--port", String(simPort), "--silent-fraction", "0.1"],
  /"ready":true/,
);

const hubPort = (await portFree(8443)) ? 8443 : 18443;
say(`first owner: dca-hub admin-local --data ${hubData} owner create demo (password in ${ownerPasswordFile})`);
await run([...hubBin, "admin-local", "--data", hubData, "owner", "create", "demo", "--password-file", ownerPasswordFile]);
// A one-time link into the web portal for the owner (minted while the hub is stopped; it works once, for an hour).
const hubUrlPlanned = `https://127.0.0.1:${hubPort}`;
const signInLink = (await run([...hubBin, "admin-local", "--data", hubData, "owner", "sign-in-link", "demo", "--minutes", "60", "--url", hubUrlPlanned])).split("\n")[0]!;
say(`starting the hub: dca-hub serve --data ${hubData} --listen 127.0.0.1:${hubPort}`);
const hub = await start([...hubBin, "serve", "--data", hubData, "--listen", `127.0.0.1:${hubPort}`], /\{"ready":true.*\}/);
const hubInfo = JSON.parse(hub.line) as { caFingerprint: string };
const hubUrl = `https://127.0.0.1:${hubPort}`;
say(`hub up with its own CA, fingerprint ${hubInfo.caFingerprint.slice(0, 23)}...`);
await run([...hubBin, "login", "--hub", hubUrl, "--ca-fingerprint", hubInfo.caFingerprint, "--user", "demo", "--password-file", ownerPasswordFile], sessionEnv);
say(`signed in: dca-hub login --hub ${hubUrl} --ca-fingerprint ${hubInfo.caFingerprint.slice(0, 23)}... --user demo`);

await admin("site", "create", "Demo Customer");
await admin("site", "set-targets", "Demo Customer", "127.20.0.0/26");
await admin("site", "set-snmp", "Demo Customer", "--port", String(simPort), "--timeout", "500ms");
await admin("site", "set-schedule", "Demo Customer", "--read", "5m", "--poll", "30s");
const code = (JSON.parse(await admin("code", "create", "Demo Customer", "--json")) as { code: string }).code;
say(`site "Demo Customer" set up (targets 127.20.0.0/26); activation code ${code}`);

say(`activating: dca activate --hub ${hubUrl} --code ${code} --ca-fingerprint sha256:...`);
await run([...dca, "activate", "--hub", hubUrl, "--code", code, "--ca-fingerprint", hubInfo.caFingerprint, "--state", agentState], agentEnv);

say("running: dca run (polls the hub, gets its config, discovers, reads, uploads)");
const agent = Bun.spawn([...dca, "run", "--state", agentState], { stdout: "ignore", stderr: "pipe", env: agentEnv });
children.push(agent);
let agentLog = "";
const discovered = new Promise<string>((resolve) => {
  (async () => {
    for await (const c of agent.stderr) {
      agentLog += new TextDecoder().decode(c);
      const m = /discovery done: (.*)/.exec(agentLog);
      if (m) resolve(m[1]!);
    }
  })();
});
const summary = await Promise.race([discovered, Bun.sleep(60_000).then(() => undefined)]);
if (!summary) {
  console.error(`the agent did not finish discovery within 60 s:\n${agentLog}`);
  process.exit(1);
}
say(`agent: discovery done: ${summary}`);
const printers = Number(/(\d+) printers read/.exec(summary)?.[1] ?? 0);

type Device = { address: string; vendor: string; model: string; serialNumber: string; totalPages?: number; lowestSupply?: { description: string; percent: number } };
// The agent uploads as it reads; wait until the hub holds every reading of the pass.
let received = 0;
for (let i = 0; i < 100 && received < printers; i++) {
  const agents = JSON.parse(await admin("agent", "list", "--json")) as { readingsReceived: number }[];
  received = agents[0]?.readingsReceived ?? 0;
  if (received < printers) await Bun.sleep(100);
}
const devices = JSON.parse(await admin("device", "list", "--json")) as Device[];
say(`the hub received ${received} readings: ${devices.length} devices (the simulator repeats recordings, so some serials repeat):\n`);

devices.sort((a, b) => a.address.localeCompare(b.address, undefined, { numeric: true }));
const header = ["address", "vendor", "model", "serial", "total pages", "lowest supply"];
const rows = devices.map((d) => [
  d.address,
  d.vendor || "-",
  d.model || "-",
  d.serialNumber || "-",
  d.totalPages !== undefined ? String(d.totalPages) : "-",
  d.lowestSupply ? `${d.lowestSupply.description} ${d.lowestSupply.percent} %` : "-",
]);
const widths = header.map((h, i) => Math.min(36, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
const line = (r: string[]) => r.map((c, i) => c.slice(0, widths[i]).padEnd(widths[i]!)).join("  ");
console.log(line(header));
for (const r of rows) console.log(line(r));

const hubCli = `DCA_HUB_SESSION=${sessionFile} ${hubBin.join(" ")}`;
console.log(`
The web portal: ${hubUrl}/ (the hub's own CA: your browser warns until you trust ${join(hubData, "tls", "ca.crt")})
Sign in there once as "demo", without a password, with this link (works once, for an hour):
  ${signInLink}

Hub and agent keep running (agent state: ${agentState}). Signed in as the owner "demo" (password in
${ownerPasswordFile}; the session in ${sessionFile}). In another terminal:
  ${hubCli} device list
  ${hubCli} agent list
  ${hubCli} task create "Demo Customer" read 127.20.0.2:${simPort}   (the agent picks it up within 30 s)
  ${dca.join(" ")} status --state ${agentState}
Press Ctrl-C to stop.`);
if (once) {
  cleanup();
  process.exit(devices.length > 0 && received >= printers ? 0 : 1);
}
await new Promise(() => {});
