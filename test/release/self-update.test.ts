/**
 * Self-update end to end, with release builds that trust this test's own root
 * key (test/support/update-peers.ts: 0.1.0, 0.2.0, and a 0.3.0 that exits right
 * after its start-up update check), a release build of the hub serving them
 * over its HTTPS API port on loopback, and the agent installed in a folder of
 * its own. Each case has its own hub (releases are per hub).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UPDATE_RESTART_EXIT } from "../../src/common/exit-codes.ts";
import { keyIdOf, publicKeyOf } from "../../src/common/release-signing/index.ts";
import { type AgentProcess, type HubProcess, eventually, startAgentProcess, startHubProcess } from "../support/service-peers.ts";
import { certify, newPrivateKey, revocations } from "../support/release-keys.ts";
import { TARGET, buildUpdatePeers, installAgent, signFile } from "../support/update-peers.ts";

const dir = mkdtempSync(join(tmpdir(), "dca-self-update-"));
let peers: ReturnType<typeof buildUpdatePeers>;
const hubs: HubProcess[] = [];
const agents: AgentProcess[] = [];
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

beforeAll(() => {
  peers = buildUpdatePeers(dir, [{ version: "0.1.0" }, { version: "0.2.0" }, { version: "0.3.0", fault: "exit-after-start" }]);
}, 300_000);

afterAll(async () => {
  for (const a of agents) await a.kill9();
  for (const h of hubs) await h.kill9();
  rmSync(dir, { recursive: true, force: true });
});

type AgentRow = { id: string; agentVersion: string; updateStatus: string; lastPollAt?: string; outboxDepth: number };

/** A hub of its own with site "Acme" polled every second, and an agent 0.1.0 installed and activated on it. */
async function scenario(name: string) {
  const d = join(dir, name);
  const hub = await startHubProcess(join(d, "hub"), 0, ["--no-mqtt"], [peers.hub]);
  hubs.push(hub);
  await hub.must("site", "create", "Acme");
  await hub.must("site", "set-schedule", "Acme", "--poll", "1s");
  const agent = await installAgent(d, peers.agent("0.1.0"), hub, "Acme");
  const row = async (): Promise<AgentRow> => JSON.parse(await hub.must("agent", "list", "--json"))[0];
  const start = (env: Record<string, string> = {}) => {
    const a = startAgentProcess(agent.state, [], env, { command: [agent.exe] });
    agents.push(a);
    return a;
  };
  const db = () => new Database(join(d, "hub", "hub.db"));
  return { hub, agent, row, start, db, releaseFile: (sha: string) => join(d, "hub", "releases", sha) };
}

describe("self-update", () => {
  test("a good update: the agent swaps itself, re-executes in place, and the new version reports", async () => {
    const s = await scenario("good");
    const a = s.start();
    await eventually(async () => (await s.row()).lastPollAt, 20_000, "a first poll");
    const added = await s.hub.must("release", "add", peers.agent("0.2.0"));
    expect(added).toContain("release dca 0.2.0 for");
    await a.waitForLog(/update: downloading dca 0.2.0/, 20_000);
    const row = await eventually(async () => {
      const r = await s.row();
      return r.agentVersion === "0.2.0" && r.updateStatus.startsWith("updated") ? r : undefined;
    }, 30_000, "the new version's poll");
    expect(row.updateStatus).toMatch(/^updated from 0\.1\.0 to 0\.2\.0; it reached the hub [\d.]+ s after it started$/);
    // The same process runs the new file: re-executed in place.
    expect(a.proc.exitCode).toBeNull();
    expect(a.log()).toContain("dca 0.2.0 running as agent");
    expect(sha256(s.agent.exe)).toBe(sha256(peers.agent("0.2.0")));
    expect(sha256(`${s.agent.exe}.previous`)).toBe(sha256(peers.agent("0.1.0")));
    expect((await s.agent.run("--version")).stdout).toBe("dca 0.2.0\n");
    expect(existsSync(join(s.agent.state, "update", "pending.json"))).toBe(false);
    expect(await a.stop()).toBe(0);
  }, 90_000);
});
