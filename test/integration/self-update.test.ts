/**
 * Self-update end to end, with release builds that trust this test's own root
 * key (test/support/update-peers.ts: 0.1.0, 0.2.0, and a 0.3.0 that exits right
 * after its start-up update check), a release build of the hub serving them
 * over its HTTPS API port on loopback, and the agent installed in a folder of
 * its own. Each case has its own hub (releases are per hub).
 *
 * It builds four executables and runs about three minutes, so it runs with the binary tests
 * (`npm run test:binary`, which sets DCA_BIN), on Linux; `npm test` skips it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { INTEGRITY_EXIT, UPDATE_RESTART_EXIT } from "../../src/common/exit-codes.ts";
import { keyIdOf, publicKeyOf } from "../../src/common/release-signing/index.ts";
import { type AgentProcess, type HubProcess, eventually, startAgentProcess, startHubProcess } from "../support/service-peers.ts";
import { certify, newPrivateKey, revocations } from "../support/release-keys.ts";
import { buildUpdatePeers, installAgent, signFile } from "../support/update-peers.ts";
import { freeUdpPort } from "../support/service-peers.ts";
import { localUtcOffsetMinutes } from "../../src/common/utc-offset.ts";
import { type Fleet, startFleet } from "../sim/fleet.ts";
import { repoRoot } from "../support/shared-dir.ts";

let dir: string;
let peers: ReturnType<typeof buildUpdatePeers>;
let fleet: Fleet | undefined;
const hubs: HubProcess[] = [];
const agents: AgentProcess[] = [];
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

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

describe.skipIf(!process.env.DCA_BIN || process.platform !== "linux")("self-update (release builds with a test root)", () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "dca-self-update-"));
    peers = buildUpdatePeers(dir, [{ version: "0.1.0" }, { version: "0.2.0" }, { version: "0.3.0", fault: "exit-after-start" }]);
  }, 300_000);

  afterAll(async () => {
    for (const a of agents) await a.kill9();
    for (const h of hubs) await h.kill9();
    await fleet?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a good update: the agent swaps itself, re-executes in place, and the new version reports", async () => {
    const s = await scenario("good");
    const a = s.start();
    await eventually(async () => (await s.row()).lastPollAt, 20_000, "a first poll");
    const added = await s.hub.must("release", "add", peers.agent("0.2.0"));
    expect(added).toContain("release dca 0.2.0 for");
    await a.waitForLog(/update: downloading dca 0.2.0/, 20_000);
    const row = await updated(s, "the new version's poll");
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

  /** Waits for the hub to hear from 0.2.0 that its update is done (the poll after its first). */
  function updated(s: Awaited<ReturnType<typeof scenario>>, what: string) {
    return eventually(async () => {
      const r = await s.row();
      return r.agentVersion === "0.2.0" && r.updateStatus.startsWith("updated") ? r : undefined;
    }, 30_000, what);
  }

  /** Waits for the hub to hear that the agent refused the offer, and checks nothing was replaced. */
  async function expectRefused(s: Awaited<ReturnType<typeof scenario>>, why: RegExp) {
    const row = await eventually(async () => {
      const r = await s.row();
      return r.updateStatus.startsWith("refused") ? r : undefined;
    }, 30_000, "the agent's refusal at the hub");
    expect(row.updateStatus).toMatch(why);
    expect(row.agentVersion).toBe("0.1.0");
    expect(sha256(s.agent.exe)).toBe(sha256(peers.agent("0.1.0")));
    expect(existsSync(`${s.agent.exe}.previous`)).toBe(false);
    expect(existsSync(join(s.agent.state, "update", "dca-0.2.0.unverified"))).toBe(false);
    return row;
  }

  /** The signature bundle of the 0.2.0 build signed along another chain, as the hub would hand it over. */
  function otherBundle(chain: { signingPem: string; certificate: ReturnType<typeof certify> }) {
    const copy = join(dir, `bundle-${Math.random().toString(36).slice(2)}`);
    writeFileSync(copy, readFileSync(peers.agent("0.2.0")));
    signFile(copy, "dca", "0.2.0", { ...chain, revocations: peers.chain.revocations });
    return readFileSync(`${copy}.sig`, "utf8");
  }

  test("wrong hash: a file changed on the hub after it was added is refused, and never retried", async () => {
    const s = await scenario("wrong-hash");
    await s.hub.must("release", "add", peers.agent("0.2.0"));
    const stored = s.releaseFile(sha256(peers.agent("0.2.0")));
    const bytes = readFileSync(stored);
    bytes[Math.floor(bytes.length / 2)] ^= 1;
    writeFileSync(stored, bytes);
    const a = s.start();
    await expectRefused(s, /^refused 0\.2\.0: its SHA-256 differs from the signed file's$/);
    await Bun.sleep(2500);
    expect(a.log().match(/update: downloading/g)).toHaveLength(1);
  }, 60_000);

  test("bad signature: a manifest not signed by the certified key is refused", async () => {
    const s = await scenario("bad-signature");
    await s.hub.must("release", "add", peers.agent("0.2.0"));
    const forged = otherBundle({ signingPem: newPrivateKey(), certificate: peers.chain.certificate });
    s.db().run("UPDATE releases SET signature = ?", [forged]);
    s.start();
    await expectRefused(s, /^refused 0\.2\.0: its manifest is not signed by its signing key ed25519:[0-9a-f]{16}$/);
  }, 60_000);

  test("a signing key certified by another root is refused", async () => {
    const s = await scenario("other-root");
    await s.hub.must("release", "add", peers.agent("0.2.0"));
    const key = newPrivateKey();
    s.db().run("UPDATE releases SET signature = ?", [otherBundle({ signingPem: key, certificate: certify(newPrivateKey(), key) })]);
    s.start();
    await expectRefused(s, /^refused 0\.2\.0: its signing key is not certified by the built-in root key \(certified by ed25519:[0-9a-f]{16}\)$/);
  }, 60_000);

  test("revoked key: the agent keeps the hub's revocation list and refuses a release by that key even from a hub that forgot it", async () => {
    const s = await scenario("revoked");
    const a = s.start();
    const listFile = join(dir, "revocations-2.json");
    const revokedId = keyIdOf(publicKeyOf(peers.chain.signingPem));
    writeFileSync(listFile, JSON.stringify(revocations(peers.keys.rootPem, 2, [revokedId])));
    // Held while the release goes up and is revoked: the upload takes a moment, and an agent polling
    // between the two commands would take the release before it is revoked.
    await s.hub.must("site", "set-updates", "Acme", "--hold");
    await s.hub.must("release", "add", peers.agent("0.2.0"));
    expect(await s.hub.must("release", "add-revocations", listFile)).toContain("no longer offered (signed by a revoked key): dca 0.2.0");
    await a.waitForLog(/update: kept revocation list 2 from the hub/, 20_000);
    await s.hub.must("site", "set-updates", "Acme", "--resume");
    expect(JSON.parse(JSON.parse(readFileSync(join(s.agent.state, "update", "revocations.json"), "utf8")).body).serial).toBe(2);
    // The hub loses its list (a restored backup, a compromised hub): it offers the release again.
    s.db().run("DELETE FROM revocation_lists");
    await expectRefused(s, new RegExp(`^refused 0\\.2\\.0: its signing key ${revokedId} is revoked \\(revocation list 2: test\\)$`));
    // Its own 0.1.0 is signed by that key too: at its next start it refuses to run.
    expect(await a.stop()).toBe(0);
    const again = s.start();
    expect(await again.proc.exited).toBe(INTEGRITY_EXIT);
    expect(again.log()).toBe(`dca: this executable fails its integrity check: its signing key ${revokedId} is revoked (revocation list 2: test); reinstall it from a signed release\n`);
  }, 60_000);

  test("downgrade: an older release is never offered, and one a lying hub calls newer is refused for its signed version", async () => {
    const s = await scenario("downgrade");
    const old = join(dir, "dca-0.0.9");
    writeFileSync(old, readFileSync(peers.agent("0.1.0")));
    signFile(old, "dca", "0.0.9", peers.chain);
    await s.hub.must("release", "add", old);
    const a = s.start();
    await eventually(async () => (await s.row()).lastPollAt, 20_000, "a first poll");
    await Bun.sleep(2500);
    expect(a.log()).not.toContain("update:");
    s.db().run("UPDATE releases SET version = '9.9.9'");
    const row = await expectRefused(s, /^refused 9\.9\.9: its signed version is 0\.0\.9, not 9\.9\.9 as offered$/);
    expect(row.agentVersion).toBe("0.1.0");
  }, 60_000);

  test("a half-downloaded file resumes where it stopped (the hub's first half is then garbage: only the rest is fetched)", async () => {
    const s = await scenario("resume");
    await s.hub.must("release", "add", peers.agent("0.2.0"));
    const stored = s.releaseFile(sha256(peers.agent("0.2.0")));
    const full = readFileSync(stored);
    const half = Math.floor(full.length / 2);
    truncateSync(stored, half);
    const a = s.start();
    await a.waitForLog(new RegExp(`stopped at ${half} of ${full.length} bytes; it resumes there`), 30_000);
    const partial = join(s.agent.state, "update", "dca-0.2.0.unverified");
    expect(readFileSync(partial).length).toBe(half);
    const garbled = Buffer.from(full);
    garbled.fill(0, 0, half);
    writeFileSync(stored, garbled);
    const row = await updated(s, "the resumed update");
    expect(row.updateStatus).toStartWith("updated from 0.1.0 to 0.2.0");
    expect(sha256(s.agent.exe)).toBe(sha256(peers.agent("0.2.0")));
  }, 60_000);

  test("a new version that crashes at start is rolled back at its next start, the hub is told, and it is not tried again", async () => {
    const s = await scenario("crash");
    // Run as a service manager runs it: each restart is a new process (DCA_RESTART=exit).
    const service = { DCA_RESTART: "exit" };
    const a = s.start(service);
    await eventually(async () => (await s.row()).lastPollAt, 20_000, "a first poll");
    await s.hub.must("release", "add", peers.agent("0.3.0-exit-after-start"));
    expect(await a.proc.exited).toBe(UPDATE_RESTART_EXIT);
    expect(sha256(s.agent.exe)).toBe(sha256(peers.agent("0.3.0-exit-after-start")));
    expect(await s.start(service).proc.exited).toBe(70); // the new version crashes at start
    const third = s.start(service);
    expect(await third.proc.exited).toBe(UPDATE_RESTART_EXIT); // rolled back, restart asked for
    expect(third.log()).toContain("rolled back from 0.3.0 to 0.1.0: it stopped before it reached the hub");
    expect(sha256(s.agent.exe)).toBe(sha256(peers.agent("0.1.0")));
    const back = s.start(service);
    const row = await eventually(async () => {
      const r = await s.row();
      return r.updateStatus.startsWith("rolled back") ? r : undefined;
    }, 20_000, "the rollback at the hub");
    expect(row).toMatchObject({ agentVersion: "0.1.0", updateStatus: "rolled back from 0.3.0 to 0.1.0: it stopped before it reached the hub" });
    expect((await s.hub.must("agent", "show", row.id)).toString()).toContain("Update     rolled back from 0.3.0 to 0.1.0");
    await Bun.sleep(2500);
    expect(back.log()).not.toContain("downloading");
    expect(back.proc.exitCode).toBeNull();
  }, 90_000);

  test("a new version that cannot reach the hub within the health time is rolled back", async () => {
    const s = await scenario("unhealthy");
    await s.hub.must("site", "set-updates", "Acme", "--health", "10s");
    const service = { DCA_RESTART: "exit" };
    const a = s.start(service);
    await s.hub.must("release", "add", peers.agent("0.2.0"));
    expect(await a.proc.exited).toBe(UPDATE_RESTART_EXIT);
    // The new version starts where its polls cannot get through (a proxy that is not there).
    const cut = s.start({ ...service, HTTPS_PROXY: "http://127.0.0.1:9", NO_PROXY: "" });
    await cut.waitForLog(/dca 0\.2\.0 runs on trial: it must reach the hub within 10 s/, 10_000);
    expect(await cut.proc.exited).toBe(UPDATE_RESTART_EXIT);
    expect(cut.log()).toContain("rolled back from 0.2.0 to 0.1.0: it did not reach the hub within 10 s");
    s.start(service);
    const row = await eventually(async () => {
      const r = await s.row();
      return r.updateStatus.startsWith("rolled back") ? r : undefined;
    }, 20_000, "the rollback at the hub");
    expect(row.agentVersion).toBe("0.1.0");
  }, 90_000);

  test("a hold and a maintenance window are respected", async () => {
    const s = await scenario("hold-window");
    await s.hub.must("site", "set-updates", "Acme", "--hold");
    await s.hub.must("release", "add", peers.agent("0.2.0"));
    const a = s.start();
    await eventually(async () => (await s.row()).lastPollAt, 20_000, "a first poll");
    await Bun.sleep(3000);
    expect(a.log()).not.toContain("update:");
    // A window in the agent's local time that starts two hours from now: still nothing.
    const hhmm = (offsetMin: number) => {
      const d = new Date(Date.now() + (localUtcOffsetMinutes() + offsetMin) * 60_000);
      return `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
    };
    await s.hub.must("site", "set-updates", "Acme", "--resume", "--window", `daily ${hhmm(120)}-${hhmm(180)}`);
    await Bun.sleep(3000);
    expect(a.log()).not.toContain("update:");
    await s.hub.must("site", "set-updates", "Acme", "--window", `daily ${hhmm(-60)}-${hhmm(60)}`);
    await updated(s, "the update inside the window");
  }, 60_000);

  test("an update while readings flow: none lost, none doubled (the hub's seqs of the agent are 1..N once each)", async () => {
    const s = await scenario("readings");
    const port = await freeUdpPort();
    fleet = await startFleet({
      devices: ["mono-laser", "color-mfp", "v1-only"].map((name, i) => ({
        address: `127.78.0.${i + 1}`,
        port,
        recording: join(repoRoot, "test/fixtures/snmprec", `${name}.snmprec`),
      })),
    });
    await s.hub.must("site", "set-targets", "Acme", "127.78.0.1-3");
    await s.hub.must("site", "set-snmp", "Acme", "--port", String(port), "--timeout", "300ms", "--retries", "0");
    await s.hub.must("site", "set-schedule", "Acme", "--read", "1s", "--poll", "1s");
    const a = s.start();
    const count = () => (s.db().query("SELECT count(*) AS n FROM readings").get() as { n: number }).n;
    await eventually(() => (count() >= 6 ? true : undefined), 30_000, "readings at the hub");
    const before = count();
    await s.hub.must("release", "add", peers.agent("0.2.0"));
    await updated(s, "the update");
    await eventually(() => (count() >= before + 6 ? true : undefined), 30_000, "readings after the update");
    expect(await a.stop()).toBe(0);
    const hubRows = s.db().query("SELECT id, seq FROM readings ORDER BY seq").all() as { id: string; seq: number }[];
    const outbox = new Database(join(s.agent.state, "outbox.db"), { readonly: true });
    const waiting = (outbox.query("SELECT seq FROM readings").all() as { seq: number }[]).map((r) => r.seq);
    outbox.close();
    const seqs = new Set([...hubRows.map((r) => r.seq), ...waiting]);
    const max = Math.max(...seqs);
    expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: max }, (_, i) => i + 1));
    expect(new Set(hubRows.map((r) => r.seq)).size).toBe(hubRows.length);
    expect(new Set(hubRows.map((r) => r.id)).size).toBe(hubRows.length);
  }, 120_000);
});
