import { describe, expect, test } from "bun:test";
import { useTempState } from "./testdata/temp-state.ts";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { clearIdentity, describeIdentity, ensureStateDir, type Identity, loadIdentity, readLockState, saveIdentity } from "./index.ts";

let root: string;
let dir: string;
const mode = (p: string) => statSync(p).mode & 0o777;

const identity: Identity = {
  hubUrl: "https://127.0.0.1:8443/",
  agentId: "agt_01J9Z",
  secret: "very-secret-bearer-value",
  siteId: "site_7",
  siteName: "Head office",
  caPem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
  caFingerprint: "sha256:ab:cd:ef",
  proxyUrl: "http://proxyuser:proxy-password@127.0.0.1:3128/",
  activatedAt: "2025-06-01T10:00:00.000Z",
};

useTempState("dca-identity-", "0f1e2d3c4b5a69788796a5b4c3d2e1f0", (s) => {
  ({ root, dir } = s);
});

describe("identity", () => {
  test("not activated: undefined", () => {
    expect(loadIdentity(dir)).toBeUndefined();
  });

  test("save then load round-trips, in this process and in a fresh one", () => {
    saveIdentity(dir, identity);
    expect(loadIdentity(dir)).toEqual(identity);
    const r = Bun.spawnSync([
      process.execPath,
      "-e",
      `import { loadIdentity } from ${JSON.stringify(join(import.meta.dir, "index.ts"))}; console.log(JSON.stringify(loadIdentity(${JSON.stringify(dir)})))`,
    ]);
    expect(JSON.parse(r.stdout.toString())).toEqual(identity);
  });

  test("identity.json is 0600 and the folder 0700, even over a loose file and folder", () => {
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, "identity.json"), "{}", { mode: 0o644 });
    chmodSync(join(dir, "identity.json"), 0o666);
    const oldUmask = process.umask(0);
    try {
      saveIdentity(dir, identity);
    } finally {
      process.umask(oldUmask);
    }
    expect(mode(join(dir, "identity.json"))).toBe(0o600);
    expect(mode(dir)).toBe(0o700);
    // No temporary file is left behind.
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  test("ensureStateDir creates nested folders 0700 and tightens an existing one", () => {
    const nested = join(root, "a", "b");
    ensureStateDir(nested);
    expect(mode(nested)).toBe(0o700);
    chmodSync(nested, 0o777);
    ensureStateDir(nested);
    expect(mode(nested)).toBe(0o700);
  });

  test("saving seals the lock state first, so deleting every copy later is tampering", () => {
    saveIdentity(dir, identity);
    expect(existsSync(join(dir, "lock.sealed"))).toBe(true);
    expect(readLockState(dir)).toEqual({ failedAttempts: 0, locked: false, lastResetGeneration: 0 });
  });

  test("clearIdentity removes it; clearing twice is fine", () => {
    saveIdentity(dir, identity);
    clearIdentity(dir);
    clearIdentity(dir);
    expect(loadIdentity(dir)).toBeUndefined();
  });

  test("describeIdentity shows everything but the secret and URL passwords", () => {
    const text = describeIdentity(identity);
    expect(text).not.toContain(identity.secret);
    expect(text).not.toContain("proxy-password");
    expect(text).not.toContain("proxyuser");
    for (const part of ["https://127.0.0.1:8443/", "agt_01J9Z", "Head office (site_7)", "sha256:ab:cd:ef", "127.0.0.1:3128", "2025-06-01T10:00:00.000Z", "<secret>"]) {
      expect(text).toContain(part);
    }
  });

  test("a broken or incomplete identity file is refused without echoing its content", () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "identity.json"), '{"secret": "leaky-secret-123", "agentId": ');
    expect(() => loadIdentity(dir)).toThrow(expect.objectContaining({ code: "data-loss" }));
    expect(() => loadIdentity(dir)).not.toThrow(/leaky-secret-123/);
    writeFileSync(join(dir, "identity.json"), JSON.stringify({ ...identity, hubUrl: "not a url", siteId: "" }));
    expect(() => loadIdentity(dir)).toThrow(/bad fields: hubUrl, siteId/);
    expect(() => loadIdentity(dir)).not.toThrow(new RegExp(identity.secret));
  });

  test("saving an invalid identity is refused and writes nothing", () => {
    expect(() => saveIdentity(dir, { ...identity, secret: "" })).toThrow(/bad fields: secret/);
    expect(existsSync(join(dir, "identity.json"))).toBe(false);
  });

  test("the file holds exactly the identity fields", () => {
    saveIdentity(dir, { ...identity, extra: "dropped" } as Identity);
    expect(Object.keys(JSON.parse(readFileSync(join(dir, "identity.json"), "utf8"))).sort()).toEqual(Object.keys(identity).sort());
  });
});
