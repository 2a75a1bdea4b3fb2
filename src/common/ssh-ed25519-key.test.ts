import { expect, test } from "bun:test";
import { utils } from "ssh2";
import { generateSshKeyPair, publicKeyOf } from "./ssh-ed25519-key.ts";

test("every key made reads back in ssh2 as an Ed25519 private key with a 32-byte public key (ssh2's own generator drops a leading zero byte 1 time in 256 under Bun)", () => {
  // 2,000 keys: a 1-in-256 fault shows about 8 times (the chance of missing it is e^-7.8).
  for (let i = 0; i < 2_000; i++) {
    const made = generateSshKeyPair("t");
    const parsed = utils.parseKey(made.privateKey);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (!key || key instanceof Error || !key.isPrivateKey()) throw new Error(`key ${i} does not parse: ${String(key)}`);
    expect(key.type).toBe("ssh-ed25519");
    // string "ssh-ed25519" (4 + 11) and string key (4 + 32).
    expect(key.getPublicSSH().length).toBe(51);
    expect(publicKeyOf(made.privateKey, "t")).toBe(made.publicKey);
  }
});
