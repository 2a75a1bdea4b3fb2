import { describe, expect, test } from "bun:test";
import snmp from "net-snmp";
import {
  AUTH_PROTOCOLS,
  type AuthProtocol,
  PRIV_PROTOCOLS,
  type PrivProtocol,
  createSaltSource,
  decryptScopedPdu,
  encryptScopedPdu,
  isInTimeWindow,
  localizeAuthKey,
  localizePrivKey,
  passwordToKey,
  signMessage,
  verifyMessage,
  NET_SNMP_PRIV,
} from "./usm.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
// RFC 3414 A.3 uses this engine ID and password.
const RFC_ENGINE = Buffer.from("000000000000000000000002", "hex");
const AUTHS = Object.keys(AUTH_PROTOCOLS) as AuthProtocol[];
const PRIVS = Object.keys(PRIV_PROTOCOLS) as PrivProtocol[];

describe("key derivation", () => {
  test("matches the RFC 3414 A.3 test vectors", () => {
    expect(hex(passwordToKey("md5", "maplesyrup"))).toBe("9faf3283884e92834ebc9847d8edd963");
    expect(hex(localizeAuthKey("md5", "maplesyrup", RFC_ENGINE))).toBe("526f5eed9fcce26f8964c2930787d82b");
    expect(hex(passwordToKey("sha", "maplesyrup"))).toBe("9fb5cc0381497b3793528939ff788d5d79145211");
    expect(hex(localizeAuthKey("sha", "maplesyrup", RFC_ENGINE))).toBe("6695febc9288e36282235fc7151f128497b38f3f");
  });

  test.each(AUTHS)("%s auth key equals net-snmp's", (auth) => {
    const engineId = Buffer.from("80001f8804736976", "hex");
    const theirs = snmp.Authentication.passwordToKey(snmp.AuthProtocols[auth], "authpass1", engineId);
    expect(hex(localizeAuthKey(auth, "authpass1", engineId))).toBe(theirs.toString("hex"));
    expect(localizeAuthKey(auth, "authpass1", engineId).length).toBe(AUTH_PROTOCOLS[auth].keyLength);
  });

  for (const priv of PRIVS) {
    test.each(AUTHS)(`${priv} key with %s equals net-snmp's`, (auth) => {
      const engineId = Buffer.from("80001f8804736977", "hex");
      const algorithm = snmp.Encryption.algorithms[snmp.PrivProtocols[NET_SNMP_PRIV[priv]]];
      const ours = localizePrivKey(priv, auth, "privpass1", engineId);
      // net-snmp DES takes the key and pre-IV from the localized key itself; compare those 16 octets.
      const theirs =
        priv === "des"
          ? snmp.Authentication.passwordToKey(snmp.AuthProtocols[auth], "privpass1", engineId).subarray(0, 16)
          : algorithm.localizationAlgorithm(algorithm, snmp.AuthProtocols[auth], "privpass1", engineId);
      expect(hex(ours)).toBe(theirs.toString("hex"));
    });
  }

  test("Blumenthal extension is Kul || H(Kul) (aes256 with MD5)", () => {
    const kul = localizeAuthKey("md5", "privpass1", RFC_ENGINE);
    const key = localizePrivKey("aes256", "md5", "privpass1", RFC_ENGINE);
    expect(hex(key.subarray(0, 16))).toBe(hex(kul));
    expect(hex(key.subarray(16))).toBe(new Bun.CryptoHasher("md5").update(kul).digest("hex"));
  });

  test("refuses an empty password", () => {
    expect(() => passwordToKey("sha", "")).toThrow(expect.objectContaining({ code: "invalid-argument" }));
  });
});

describe("authentication", () => {
  test.each(AUTHS)("%s signs and verifies, and rejects a changed message", (auth) => {
    const key = localizeAuthKey(auth, "authpass1", RFC_ENGINE);
    const n = AUTH_PROTOCOLS[auth].digestLength;
    const msg = new Uint8Array(100).map((_, i) => i);
    signMessage(auth, key, msg, 10);
    expect(verifyMessage(auth, key, msg, 10, n)).toBe(true);
    const digest = hex(msg.subarray(10, 10 + n));
    // The same digest net-snmp computes over the message with a zeroed field.
    const zeroed = Buffer.from(msg);
    zeroed.fill(0, 10, 10 + n);
    const theirs = snmp.Authentication.calculateDigest(zeroed, snmp.AuthProtocols[auth], "authpass1", RFC_ENGINE);
    expect(theirs.toString("hex")).toBe(digest);
    expect(hex(msg.subarray(10, 10 + n))).toBe(digest); // restored after verifying
    msg[99] ^= 1;
    expect(verifyMessage(auth, key, msg, 10, n)).toBe(false);
    expect(verifyMessage(auth, key, msg, 10, n - 1)).toBe(false);
  });

  test("verifies in place on a Buffer without losing the received digest", () => {
    const key = localizeAuthKey("sha", "authpass1", RFC_ENGINE);
    const msg = Buffer.alloc(64, 7);
    signMessage("sha", key, msg, 20);
    expect(verifyMessage("sha", key, msg, 20, 12)).toBe(true);
  });
});

describe("privacy", () => {
  const plain = new Uint8Array(61).map((_, i) => (i * 37) & 0xff);
  const engine = { engineID: RFC_ENGINE, engineBoots: 3, engineTime: 1234 };

  test.each(PRIVS)("%s decrypts what net-snmp encrypts, and the reverse", (priv) => {
    const key = localizePrivKey(priv, "sha", "privpass1", RFC_ENGINE);
    const p = snmp.PrivProtocols[NET_SNMP_PRIV[priv]];
    const theirs = snmp.Encryption.encryptPdu(p, Buffer.from(plain), "privpass1", snmp.AuthProtocols.sha, engine);
    const back = decryptScopedPdu(priv, key, theirs.encryptedPdu, theirs.msgPrivacyParameters, 3, 1234);
    expect(hex(back.subarray(0, plain.length))).toBe(hex(plain));

    const salt = createSaltSource(3)(priv);
    const ours = encryptScopedPdu(priv, key, plain, salt, 3, 1234);
    expect(ours.length).toBe(priv === "des" ? 64 : plain.length);
    const mine = snmp.Encryption.decryptPdu(p, Buffer.from(ours), Buffer.from(salt), "privpass1", snmp.AuthProtocols.sha, engine);
    expect(hex(mine.subarray(0, plain.length))).toBe(hex(plain));
  });

  test("rejects impossible ciphertext and salt lengths", () => {
    const key = localizePrivKey("des", "md5", "privpass1", RFC_ENGINE);
    expect(() => decryptScopedPdu("des", key, new Uint8Array(13), new Uint8Array(8), 0, 0)).toThrow(expect.objectContaining({ code: "malformed" }));
    expect(() => decryptScopedPdu("aes128", key, new Uint8Array(16), new Uint8Array(4), 0, 0)).toThrow(expect.objectContaining({ code: "malformed" }));
  });

  test("salts never repeat and DES salts carry engineBoots", () => {
    const next = createSaltSource(7);
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) seen.add(hex(next(i % 2 ? "aes128" : "des")));
    expect(seen.size).toBe(1000);
    expect(hex(next("des").subarray(0, 4))).toBe("00000007");
  });
});

test("time window follows RFC 3414 3.2 step 7b", () => {
  expect(isInTimeWindow(1, 1000, 1, 1150)).toBe(true);
  expect(isInTimeWindow(1, 1000, 1, 850)).toBe(true);
  expect(isInTimeWindow(1, 1000, 1, 1151)).toBe(false);
  expect(isInTimeWindow(1, 1000, 2, 1000)).toBe(false);
  expect(isInTimeWindow(0x7fffffff, 10, 0x7fffffff, 10)).toBe(false);
});
