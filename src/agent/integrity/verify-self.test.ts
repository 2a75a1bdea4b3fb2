/**
 * The start-up check after a self-update cut short (a power cut between the
 * swap's renames): the executable beside the other version's bundle. The
 * bundle that matches is beside it too and is taken, and renamed into place;
 * a bundle that signs another file never is.
 */
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createBundle, publicKeyOf } from "../../common/release-signing/index.ts";
import { certify, newPrivateKey, revocations } from "../../../test/support/release-keys.ts";
import { verifySelf } from "./verify-self.ts";
import { tempDir } from "../../../test/support/temp-dir.ts";

const root = newPrivateKey();
const signing = newPrivateKey();

/** The bundle of `bytes` as version `version`. */
function bundleOf(bytes: string, version: string): string {
  const b = Buffer.from(bytes);
  return JSON.stringify(
    createBundle(
      signing,
      { certificate: certify(root, signing), revocations: revocations(root, 1) },
      { name: "dca", version, target: "linux-x64", size: b.length, sha256: createHash("sha256").update(b).digest("hex") },
    ),
  );
}

/** dca holding `running`, with the bundle files given beside it. */
function folder(running: string, beside: Record<string, string>) {
  const dir = tempDir("dca-verify-");
  const exe = join(dir, "dca");
  writeFileSync(exe, running);
  for (const [name, text] of Object.entries(beside)) writeFileSync(join(dir, name), text);
  return { exe, check: () => verifySelf({ executable: exe, rootPublicKey: publicKeyOf(root) }) };
}

describe("the start-up check after a swap cut short", () => {
  test("the new executable beside the old bundle: dca.new.sig matches and is renamed into place", () => {
    const { exe, check } = folder("new executable", { "dca.sig": bundleOf("old executable", "0.1.0"), "dca.new.sig": bundleOf("new executable", "0.2.0") });
    expect(check()).toMatchObject({ ok: true });
    expect(readFileSync(`${exe}.sig`, "utf8")).toContain('\\"version\\":\\"0.2.0\\"');
    expect(existsSync(`${exe}.new.sig`)).toBe(false);
    expect(check()).toMatchObject({ ok: true });
  });

  test("a rollback cut short: the old executable beside the new bundle, dca.previous.sig matches", () => {
    const { exe, check } = folder("old executable", { "dca.sig": bundleOf("new executable", "0.2.0"), "dca.previous.sig": bundleOf("old executable", "0.1.0") });
    expect(check()).toMatchObject({ ok: true });
    expect(existsSync(`${exe}.previous.sig`)).toBe(false);
  });

  test("no bundle beside signs this file: refused with the reason of dca.sig, nothing renamed", () => {
    const { exe, check } = folder("old executablX", { "dca.sig": bundleOf("old executable", "0.1.0"), "dca.new.sig": bundleOf("new executable", "0.2.0") });
    const r = check();
    expect(r.ok).toBe(false);
    expect(r.reason).toContain("SHA-256");
    expect(existsSync(`${exe}.new.sig`)).toBe(true);
  });
});
