/**
 * The download half of self-update against a real hub on loopback (in this
 * process): GET /releases/<sha256> over HTTP/2 with the pinned CA and the
 * agent's credential, in Range pieces, resuming a partial file; refused
 * without a valid credential; and the free-space check before it starts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFileFetcher } from "../../src/agent/transport/index.ts";
import { CHUNK_BYTES, assertFreeSpace, downloadRelease } from "../../src/agent/update/download-release.ts";
import { RELEASES_DIR } from "../../src/hub/api/release-files.ts";
import { type RunningHub, startHub } from "../../src/hub/server/start-hub.ts";
import { proxyPeerSkipReason, startProxyPeer } from "../support/proxy-peer.ts";

const dir = mkdtempSync(join(tmpdir(), "dca-release-download-"));
const content = randomBytes(CHUNK_BYTES + 3_000_001);
const sha = createHash("sha256").update(content).digest("hex");
let hub: RunningHub;
let bearer = "";

beforeAll(async () => {
  hub = await startHub({ dataDir: join(dir, "hub"), host: "127.0.0.1", port: 0, log: () => {} });
  mkdirSync(join(dir, "hub", RELEASES_DIR), { recursive: true });
  writeFileSync(join(dir, "hub", RELEASES_DIR, sha), content);
  const site = hub.store.createSite("Acme");
  const r = hub.store.activate({ code: hub.store.createActivationCode(site.id).code, installId: "a".repeat(32), hostname: "pc", agentVersion: "0.1.0", platform: "linux-x64" });
  if (!r.ok) throw new Error(r.reason);
  bearer = `Bearer ${r.agent.id}.${r.secret}`;
});

afterAll(async () => {
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

const fetcher = (credential = () => bearer, proxyUrl?: string) =>
  createFileFetcher({ hubUrl: hub.url.replace("localhost", "127.0.0.1"), caPem: hub.tls.caPem, bearer: credential, proxyUrl });
const url = () => `${hub.url.replace("localhost", "127.0.0.1")}/releases/${sha}`;

describe("downloading a release from the hub", () => {
  test("the whole file, in Range pieces", async () => {
    const f = fetcher();
    const dest = join(dir, "whole.unverified");
    await downloadRelease(f, url(), content.length, dest);
    f.close();
    expect(createHash("sha256").update(readFileSync(dest)).digest("hex")).toBe(sha);
  });

  test("a partial file resumes: only the missing bytes are fetched", async () => {
    const dest = join(dir, "partial.unverified");
    const have = CHUNK_BYTES + 17;
    writeFileSync(dest, content.subarray(0, have));
    // Were the first bytes fetched again, they would be these zeros.
    const garbled = Buffer.from(content);
    garbled.fill(0, 0, have);
    writeFileSync(join(dir, "hub", RELEASES_DIR, sha), garbled);
    try {
      const f = fetcher();
      await downloadRelease(f, url(), content.length, dest);
      f.close();
    } finally {
      writeFileSync(join(dir, "hub", RELEASES_DIR, sha), content);
    }
    expect(readFileSync(dest).equals(content)).toBe(true);
  });

  test("without a valid credential, or for a file the hub does not have, nothing is written", async () => {
    const f = fetcher(() => "Bearer nobody.0123456789abcdef0123");
    const dest = join(dir, "refused.unverified");
    await expect(downloadRelease(f, url(), content.length, dest)).rejects.toThrow(/the release server answered \d+ to a request for bytes 0-/);
    f.close();
    expect(readFileSync(dest).length).toBe(0);
    const g = fetcher();
    await expect(downloadRelease(g, url().replace(sha, "0".repeat(64)), 10, join(dir, "none.unverified"))).rejects.toThrow(/answered 404/);
    g.close();
  });

  test.skipIf(!!proxyPeerSkipReason())("through the agent's proxy (a real CONNECT proxy on loopback)", async () => {
    const proxy = await startProxyPeer({ connectPorts: [hub.port] });
    try {
      const f = fetcher(() => bearer, proxy.url);
      const dest = join(dir, "proxied.unverified");
      await downloadRelease(f, url(), content.length, dest);
      f.close();
      expect(readFileSync(dest).equals(content)).toBe(true);
      expect(await proxy.waitForLog(`127.0.0.1:${hub.port}`, 5000)).toContain(`127.0.0.1:${hub.port}`);
    } finally {
      await proxy.close();
    }
  }, 30_000);

  test("free space is checked first, and the refusal says how much is needed", () => {
    expect(() => assertFreeSpace(dir, Number.MAX_SAFE_INTEGER, "the update")).toThrow(/^not enough free space in \S+ for the update: \d+ MB needed, \d+ MB free; free some space$/);
  });
});
