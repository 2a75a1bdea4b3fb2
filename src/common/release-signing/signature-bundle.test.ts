import { describe, expect, test } from "bun:test";
import { certify, newPrivateKey, revocations } from "../../../test/support/release-keys.ts";
import { openCertificate } from "./key-certificate.ts";
import { createBundle, openBundle } from "./signature-bundle.ts";
import { keyIdOf, openBlob, publicKeyOf, signBlob } from "./signed-blob.ts";

const root = newPrivateKey();
const rootPub = publicKeyOf(root);
const signing = newPrivateKey();
const signingId = keyIdOf(publicKeyOf(signing));
const file = { name: "dca", version: "1.2.3", target: "linux-x64", size: 10, sha256: "ab".repeat(32) };

function bundleText(revocationList = revocations(root, 1)): string {
  return JSON.stringify(createBundle(signing, { certificate: certify(root, signing), revocations: revocationList }, file));
}

describe("openBundle", () => {
  test("a good chain opens to its manifest", () => {
    const opened = openBundle(bundleText(), rootPub);
    expect(opened.ok && opened.manifest).toMatchObject({ type: "dca-release", ...file });
    expect(opened.ok && opened.certificate.keyId).toBe(signingId);
  });

  test("a revocation list kept apart (the hub's) applies when it is newer, and a forged one never", () => {
    const newer = revocations(root, 2, [signingId]);
    const opened = openBundle(bundleText(), rootPub, [newer]);
    expect(opened).toEqual({ ok: false, reason: `its signing key ${signingId} is revoked (revocation list 2: test)` });
    expect(openBundle(bundleText(), rootPub, [revocations(newPrivateKey(), 9, [signingId])]).ok).toBe(true);
    // An older list in the bundle does not undo a newer revocation, nor does a newer clean one undo...
    expect(openBundle(bundleText(revocations(root, 1)), rootPub, [newer]).ok).toBe(false);
    // ...but a newer root-signed list without the key is the root's word: it is in force.
    expect(openBundle(bundleText(revocations(root, 3)), rootPub, [newer]).ok).toBe(true);
  });

  test("a signature made for one kind never opens as another", () => {
    const cert = certify(root, signing);
    expect(openCertificate(cert, rootPub)).toBeDefined();
    expect(openBlob("release-manifest", cert, rootPub)).toBeUndefined();
    expect(openBlob("revocation-list", cert, rootPub)).toBeUndefined();
    const sameBodyAsManifest = signBlob("release-manifest", JSON.parse(cert.body), root);
    expect(openCertificate(sameBodyAsManifest, rootPub)).toBeUndefined();
  });

  test("an edited body, signature or key id fails; a broken file is named, not thrown", () => {
    const b = JSON.parse(bundleText());
    const edited = { ...b, manifest: { ...b.manifest, body: b.manifest.body.replace('"size":10', '"size":11') } };
    expect(openBundle(JSON.stringify(edited), rootPub)).toMatchObject({ ok: false, reason: expect.stringContaining("manifest is not signed") });
    const otherKeyId = { ...b, certificate: { ...b.certificate, keyId: signingId } };
    expect(openBundle(JSON.stringify(otherKeyId), rootPub)).toMatchObject({ ok: false, reason: expect.stringContaining("not certified") });
    expect(openBundle("{", rootPub)).toEqual({ ok: false, reason: "its signature file is not JSON" });
    expect(openBundle("null", rootPub).ok).toBe(false);
    expect(openBundle(bundleText(), "not-a-key").ok).toBe(false);
  });
});
