import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { activateAgent, startAgentProcess, startHubProcess, freePort } from "./support/service-peers.ts";
import { startWebSimulator } from "./sim/web/web-simulator.ts";
import { timeDownload } from "./support/page-timing.ts";
process.env.DCA_BIN ??= "build/out/dca"; process.env.DCA_HUB_BIN ??= "build/out/dca-hub";
const dir = mkdtempSync(join(tmpdir(), "wa-smoke-"));
const hub = await startHubProcess(join(dir, "hub"), 0, ["--web-access-domain", "wa.localhost"]);
const sim = await startWebSimulator({ host: "127.0.0.21" });
console.log("sim", sim.httpOrigin);
await hub.must("site", "create", "WA");
await hub.must("site", "set-targets", "WA", "127.0.0.21");
await hub.must("site", "set-schedule", "WA", "--poll", "300s", "--discovery", "24h", "--read", "24h");
await hub.must("site", "set-web-access", "WA", "--ports", String(sim.httpPort));
const code = JSON.parse(await hub.must("code", "create", "WA", "--json")).code;
const act = await activateAgent(hub, join(dir, "agent"), code);
console.log("activate", act.exitCode, act.stderr.slice(0, 300));
const agent = startAgentProcess(join(dir, "agent"));
try {
  await agent.waitForLog(/wake-ups: connected/, 30_000); await agent.waitForLog(/discovery done/, 30_000); await Bun.sleep(500);
  const t0 = performance.now();
  const out = await hub.admin("web-access", "open", "127.0.0.21", "--site", "WA", "--port", String(sim.httpPort), "--json");
  console.log("open", out.exitCode, out.stdout.slice(0, 600), out.stderr);
  const url = JSON.parse(out.stdout).url;
  const ca = await Bun.file(hub.caPath).text();
  const r = await timeDownload(url, { ca, timeoutMs: 30000 });
  console.log("first page", (performance.now() - t0).toFixed(0), "ms", r);
  const d = await timeDownload(url.replace("/?key", "/download/5mb?key"), { ca, timeoutMs: 30000 });
  console.log("5mb", d);
  const id = JSON.parse(out.stdout).id;
  const tc = performance.now();
  console.log((await hub.admin("web-access", "close", id)).stdout);
  for (let i = 0; i < 100 && !/tunnel closed|closed the tunnel|done|ended/.test(agent.log().split("forward accepted")[1] ?? ""); i++) await Bun.sleep(100);
  console.log("agent noticed after", (performance.now()-tc).toFixed(0), "ms");
  console.log((await hub.admin("web-access", "audit", "--json")).stdout);
  console.log((await hub.admin("task", "list", "--json")).stdout.slice(0, 1500)); console.log((await hub.admin("web-access", "list")).stdout);
} catch (e) { console.log("ERR", e); }
finally {
  console.log("AGENT LOG\n", agent.log().slice(-3000));
  console.log("HUB LOG\n", hub.log().slice(-3000));
  await agent.stop(); await hub.stop(); await sim.close();
}
