import { describe, expect, test } from "bun:test";
import type { Release, UpdatePolicy } from "../store/index.ts";
import { releaseOffer } from "./release-offer.ts";

const rel = (version: string, channel: "stable" | "beta", extra: Partial<Release> = {}): Release => ({
  sha256: version.replaceAll(".", "").padEnd(64, "0"),
  name: "dca",
  version,
  target: "linux-x64",
  size: 10,
  channel,
  url: "",
  signature: "{}",
  keyId: "ed25519:k1",
  addedAt: new Date(0),
  ...extra,
});
const releases = [rel("0.2.0", "stable"), rel("0.3.0-beta.1", "beta"), rel("0.9.0", "stable", { target: "windows-x64" }), rel("0.9.1", "stable", { name: "dca-hub" })];
const policy: UpdatePolicy = { channel: "stable", window: "", hold: false, healthSeconds: 600 };
const agent = { platform: "linux-x64", version: "0.1.0", utcOffsetMinutes: 0 };
const saturday2am = Date.parse("2026-03-07T02:00:00Z");
const opts = { nowMs: saturday2am, hubOrigin: "https://hub.example:8443" };

describe("the release a poll offers", () => {
  test("the newest of the agent's platform and channel, from the hub unless a URL serves it", () => {
    expect(releaseOffer(releases, policy, agent, opts)).toMatchObject({ version: "0.2.0", url: `https://hub.example:8443/releases/${rel("0.2.0", "stable").sha256}`, healthSeconds: 600 });
    expect(releaseOffer(releases, { ...policy, channel: "beta" }, agent, opts)?.version).toBe("0.3.0-beta.1");
    expect(releaseOffer([rel("0.2.0", "stable", { url: "https://cdn.example/x" })], policy, agent, opts)?.url).toBe("https://cdn.example/x");
  });

  test("nothing that is not newer: no downgrade, no same version", () => {
    expect(releaseOffer(releases, policy, { ...agent, version: "0.2.0" }, opts)).toBeUndefined();
    expect(releaseOffer(releases, policy, { ...agent, version: "0.5.0" }, opts)).toBeUndefined();
  });

  test("nothing while held, outside the window (in the agent's local time), or signed by a revoked key", () => {
    expect(releaseOffer(releases, { ...policy, hold: true }, agent, opts)).toBeUndefined();
    const window = { ...policy, window: "Sat 01:00-05:00" };
    expect(releaseOffer(releases, window, agent, opts)?.window).toBe("Sat 01:00-05:00");
    expect(releaseOffer(releases, window, { ...agent, utcOffsetMinutes: 240 }, opts)).toBeUndefined();
    expect(releaseOffer(releases, policy, agent, { ...opts, revokedKeyIds: new Set(["ed25519:k1"]) })).toBeUndefined();
  });
});
