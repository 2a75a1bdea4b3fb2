/**
 * Self-update from a CDN URL (`dca-hub release add FILE --url https://cdn/...`), end to end, with
 * release builds that trust this test's own root (test/support/update-peers.ts): the hub offers the
 * release and keeps no file; the agent downloads it from a second HTTPS origin on another loopback
 * address (test/support/cdn-peer.ts), judged by the machine's trusted roots, not the hub's pinned
 * CA, and without the agent's credential. The CDN's certificate comes from a CA of its own, which
 * the agent is made to trust as an administrator would: in the system store (a private mount
 * namespace binds a bundle with it over /etc/ssl/certs/ca-certificates.crt, what
 * update-ca-certificates writes), or with NODE_EXTRA_CA_CERTS in the agent's environment.
 *
 * It builds three executables, so it runs with the binary tests (`npm run test:binary`), on Linux.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CdnPeer, startCdnPeer } from "../support/cdn-peer.ts";
import { type AgentProcess, type HubProcess, eventually, startAgentProcess, startHubProcess } from "../support/service-peers.ts";
import { TARGET, buildUpdatePeers, installAgent } from "../support/update-peers.ts";

/** Debian's bundle of trusted roots, which update-ca-certificates writes. */
const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
const skip = !process.env.DCA_BIN || process.platform !== "linux";
const noSystemStore = existsSync(SYSTEM_BUNDLE) && Bun.spawnSync(["sh", "-c", "command -v unshare"]).exitCode === 0 ? undefined : `no ${SYSTEM_BUNDLE} or no unshare`;

let dir: string;
let peers: ReturnType<typeof buildUpdatePeers>;
let cdn: CdnPeer;
const hubs: HubProcess[] = [];
const agents: AgentProcess[] = [];
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
type AgentRow = { id: string; agentVersion: string; updateStatus: string; lastPollAt?: string };

/** A hub of its own (site Acme, polled every second) offering 0.2.0 at `path` on the CDN, and agent 0.1.0 on it. */
async function scenario(name: string, path: string) {
  const d = join(dir, name);
  const hub = await startHubProcess(join(d, "hub"), 0, ["--no-mqtt"], [peers.hub]);
  hubs.push(hub);
  await hub.must("site", "create", "Acme");
  await hub.must("site", "set-schedule", "Acme", "--poll", "1s");
  const agent = await installAgent(d, peers.agent("0.1.0"), hub, "Acme");
  const added = await hub.must("release", "add", peers.agent("0.2.0"), "--url", `${cdn.origin}${path}`);
  expect(added).toContain(`served from ${cdn.origin}${path}`);
  const row = async (): Promise<AgentRow> => JSON.parse(await hub.must("agent", "list", "--json"))[0];
  const start = (command: string[], env: Record<string, string> = {}) => {
    const a = startAgentProcess(agent.state, [], env, { command });
    agents.push(a);
    return a;
  };
  /** The hub keeps no file of a release a CDN serves: there is nothing its /releases could send. */
  const hubKeepsNothing = () => !existsSync(join(d, "hub", "releases")) || readdirSync(join(d, "hub", "releases")).length === 0;
  const untouched = () => sha256(readFileSync(agent.exe)) === sha256(readFileSync(peers.agent("0.1.0"))) && !existsSync(`${agent.exe}.previous`);
  const status = (re: RegExp, what: string) => eventually(async () => ((await row()).updateStatus.match(re) ? row() : undefined), 30_000, what);
  return { hub, agent, row, start, hubKeepsNothing, untouched, status };
}

/** `exe` run where the system store also trusts the CDN's CA: a private mount namespace with a bundle that has it. */
function withCaInSystemStore(exe: string): string[] {
  const bundle = join(dir, "ca-certificates.crt");
  writeFileSync(bundle, `${readFileSync(SYSTEM_BUNDLE, "utf8")}\n${cdn.caPem}`);
  return ["unshare", "--mount", "--propagation", "private", "sh", "-c", `mount --bind "$1" ${SYSTEM_BUNDLE} && shift && exec "$@"`, "sh", bundle, exe];
}

describe.skipIf(skip)("self-update from a CDN URL", () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "dca-self-update-cdn-"));
    peers = buildUpdatePeers(dir, [{ version: "0.1.0" }, { version: "0.2.0" }]);
    cdn = await startCdnPeer(join(dir, "cdn"), "127.0.0.2");
  }, 300_000);

  afterAll(async () => {
    for (const a of agents) await a.kill9();
    for (const h of hubs) await h.kill9();
    await cdn?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test.skipIf(!!noSystemStore)("a CA in the system store: downloaded from the CDN without the credential, a cut download resumes there, the update lands", async () => {
    const path = `/good/dca-0.2.0-${TARGET}`;
    const file = readFileSync(peers.agent("0.2.0"));
    const half = Math.floor(file.length / 2);
    cdn.serve(path, file, half);
    const s = await scenario("good", path);
    const a = s.start(withCaInSystemStore(s.agent.exe));
    await a.waitForLog(new RegExp(`stopped at ${half} of ${file.length} bytes; it resumes there`), 30_000);
    // The hub hears why it is not done yet.
    await s.status(/^not updated to 0\.2\.0 yet: .*stopped at \d+ of \d+ bytes; it resumes there/, "the cut download's status at the hub");
    // What the agent has is kept: the rest comes by Range, so a first half the CDN now garbles is never fetched again.
    const cut = cdn.requests.length;
    const garbled = Buffer.from(file);
    garbled.fill(0, 0, half);
    cdn.serve(path, garbled);
    const row = await s.status(/^updated from 0\.1\.0 to 0\.2\.0/, "the update from the CDN");
    expect(row.agentVersion).toBe("0.2.0");
    expect(sha256(readFileSync(s.agent.exe))).toBe(sha256(file));
    expect(a.log()).toContain("dca 0.2.0 running as agent");
    const mine = cdn.requests.filter((r) => r.path === path);
    expect(mine.length).toBeGreaterThan(1);
    expect(mine.some((r) => r.authorization)).toBe(false);
    expect(cdn.requests[cut].range).toStartWith(`bytes=${half}-`);
    expect(s.hubKeepsNothing()).toBe(true);
    expect(await a.stop()).toBe(0);
  }, 90_000);

  test("a CDN whose certificate this machine does not trust: refused before any request, the hub is told why, nothing is swapped", async () => {
    const path = `/untrusted/dca-0.2.0-${TARGET}`;
    cdn.serve(path, readFileSync(peers.agent("0.2.0")));
    const s = await scenario("untrusted", path);
    s.start([s.agent.exe]);
    const row = await s.status(/^not updated to 0\.2\.0 yet: /, "the failed download's status at the hub");
    expect(row.updateStatus).toContain(`the release server ${cdn.origin}`);
    expect(row.updateStatus).toContain("docs/release.md");
    expect(row.agentVersion).toBe("0.1.0");
    expect(await s.hub.must("agent", "show", row.id)).toContain(`Update     not updated to 0.2.0 yet: `);
    expect(cdn.requests.some((r) => r.path === path)).toBe(false);
    expect(s.untouched()).toBe(true);
  }, 60_000);

  test("a CDN serving a changed file (CA trusted through NODE_EXTRA_CA_CERTS): refused by its hash, once, nothing swapped", async () => {
    const path = `/tampered/dca-0.2.0-${TARGET}`;
    const bytes = readFileSync(peers.agent("0.2.0"));
    bytes[bytes.length >> 1] ^= 1;
    cdn.serve(path, bytes);
    const s = await scenario("tampered", path);
    const a = s.start([s.agent.exe], { NODE_EXTRA_CA_CERTS: cdn.caPath });
    const row = await s.status(/^refused/, "the refusal at the hub");
    expect(row.updateStatus).toBe("refused 0.2.0: its SHA-256 differs from the signed file's");
    expect(cdn.requests.filter((r) => r.path === path).every((r) => !r.authorization)).toBe(true);
    await Bun.sleep(2500);
    expect(a.log().match(/update: downloading/g)).toHaveLength(1);
    expect(s.untouched()).toBe(true);
    expect(existsSync(join(s.agent.state, "update", "dca-0.2.0.unverified"))).toBe(false);
  }, 60_000);
});
