/**
 * The pin check on real certificate chains made by the hub's own CA code:
 * two independent CAs stand for the real hub and an impostor who holds a
 * copy of the real (public) CA certificate.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureHubTls } from "../../src/hub/tls/index.ts";
import { normalizeFingerprint } from "../../src/agent/transport/hub-endpoint.ts";
import { checkPinnedChain, fingerprintOf } from "../../src/common/pinned-chain.ts";

const dirs = [mkdtempSync(join(tmpdir(), "dca-pin-")), mkdtempSync(join(tmpdir(), "dca-pin-"))];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const chainOf = (pem: string) => (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((b) => new X509Certificate(b));
const real = ensureHubTls(dirs[0], { hostnames: ["hub.test", "10.1.2.3"] });
const impostor = ensureHubTls(dirs[1], { hostnames: ["hub.test", "10.1.2.3"] });
const [leaf, ca] = chainOf(real.cert);
const pin = real.caFingerprint!;

describe("checkPinnedChain", () => {
  test("the hub's chain leads to its pinned CA, by name or address; the leaf itself may be pinned", () => {
    expect(fingerprintOf(ca.raw)).toBe(pin);
    expect(checkPinnedChain([leaf, ca], "hub.test", pin)).toBeUndefined();
    expect(checkPinnedChain([leaf, ca], "10.1.2.3", pin)).toBeUndefined();
    expect(checkPinnedChain([leaf], "hub.test", fingerprintOf(leaf.raw))).toBeUndefined();
  });

  test("the pinned CA behind a leaf it did not sign is refused", () => {
    const [fakeLeaf] = chainOf(impostor.cert);
    expect(checkPinnedChain([fakeLeaf, ca], "hub.test", pin)).toBe(`the hub's certificate chain does not lead to the pinned CA ${pin}`);
  });

  test("a leaf whose CA is missing from the chain does not reach the pin", () => {
    expect(checkPinnedChain([leaf], "hub.test", pin)).toContain("does not lead to the pinned CA");
  });

  test("another name, an expired chain, no chain", () => {
    expect(checkPinnedChain([leaf, ca], "other.test", pin)).toBe("the hub's certificate is not valid for other.test");
    expect(checkPinnedChain([leaf, ca], "10.1.2.4", pin)).toBe("the hub's certificate is not valid for 10.1.2.4");
    const later = new Date(Date.now() + 900 * 86_400_000);
    expect(checkPinnedChain([leaf, ca], "hub.test", pin, later)).toContain("is not valid at this time");
    expect(checkPinnedChain([], "hub.test", pin)).toBe("the hub presented no certificate");
  });

  test("pins are normalised from openssl's colon form", () => {
    const colons = pin.slice(7).toUpperCase().match(/../g)!.join(":");
    expect(normalizeFingerprint(colons)).toBe(pin);
    expect(normalizeFingerprint(`SHA256:${colons}`)).toBe(pin);
    expect(() => normalizeFingerprint("md5:abcd")).toThrow("64 hex digits");
  });
});
