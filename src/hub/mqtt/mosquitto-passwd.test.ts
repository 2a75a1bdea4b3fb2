import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  connectTestClient,
  mosquittoPasswdBinary,
  mosquittoSkipReason,
  startMosquitto,
} from "../../../test/support/mosquitto-peer.ts";
import { MOSQUITTO_ITERATIONS, mosquittoHash, parseMosquittoHash, verifyMosquittoHash } from "./mosquitto-passwd.ts";

// Written by Debian 12's mosquitto_passwd 2.0.11 (`mosquitto_passwd -c -b pw alice 's3cret:é'`),
// so the check below holds even where mosquitto is not installed.
const RECORDED_PASSWORD = "s3cret:é";
const RECORDED_HASH =
  "$7$101$kzL5mOqr5WjGn/lY$UFBOYVQO0bAWsrLzDnTrdnPnpOVlL0/WaSC/3x63HjxQznnD33uJEX/KvDq3kcaVbn2HbgkedIcx8jTmHiYkPg==";

describe("mosquittoHash", () => {
  test("has mosquitto 2.0's form: $7$101$, 12-byte salt, 64-byte hash", () => {
    const h = mosquittoHash("secret");
    expect(h).toMatch(/^\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
    const parsed = parseMosquittoHash(h)!;
    expect(parsed.iterations).toBe(MOSQUITTO_ITERATIONS);
    expect(parsed.salt.length).toBe(12);
    expect(parsed.hash.length).toBe(64);
  });

  test("with mosquitto_passwd's salt gives mosquitto_passwd's hash, byte for byte", () => {
    const { salt } = parseMosquittoHash(RECORDED_HASH)!;
    expect(mosquittoHash(RECORDED_PASSWORD, { salt })).toBe(RECORDED_HASH);
    expect(mosquittoHash("s3cret:e", { salt })).not.toBe(RECORDED_HASH);
  });

  test("uses a fresh salt each time", () => {
    expect(mosquittoHash("same")).not.toBe(mosquittoHash("same"));
  });

  test("refuses what mosquitto could not hash faithfully", () => {
    expect(() => mosquittoHash("")).toThrow(/empty/);
    expect(() => mosquittoHash("a\0b")).toThrow(/NUL/);
    expect(() => mosquittoHash("x", { iterations: 0 })).toThrow(/iterations/);
    expect(() => mosquittoHash("x", { salt: new Uint8Array(16) })).toThrow(/12 bytes/);
  });
});

describe("verifyMosquittoHash", () => {
  test("accepts the right password and only that", () => {
    expect(verifyMosquittoHash(RECORDED_PASSWORD, RECORDED_HASH)).toBe(true);
    expect(verifyMosquittoHash("s3cret:e", RECORDED_HASH)).toBe(false);
    expect(verifyMosquittoHash("", RECORDED_HASH)).toBe(false);
    const h = mosquittoHash("pw", { iterations: 1000 });
    expect(verifyMosquittoHash("pw", h)).toBe(true);
    expect(verifyMosquittoHash("pw2", h)).toBe(false);
  });

  test("says no, without throwing, to hashes of other forms or damaged ones", () => {
    const [, , iter, salt, hash] = RECORDED_HASH.split("$");
    for (const bad of [
      "",
      "plain",
      `$6$${salt}$${hash}`,
      `$8$${iter}$${salt}$${hash}`,
      `$7$0$${salt}$${hash}`,
      `$7$x$${salt}$${hash}`,
      `$7$${iter}$${salt}AAAA$${hash}`,
      `$7$${iter}$${salt}$${hash.slice(0, 40)}`,
      `$7$${iter}$${salt}$${hash}$`,
      `$7$${iter}$${salt}$${hash.replace("/", "_")}`,
    ]) {
      expect(verifyMosquittoHash(RECORDED_PASSWORD, bad)).toBe(false);
    }
  });
});

const noPasswd = mosquittoPasswdBinary() ? undefined : "mosquitto_passwd is not installed (apt-get install mosquitto)";
if (noPasswd) console.warn(`skipping mosquitto_passwd checks: ${noPasswd}`);

describe.skipIf(noPasswd !== undefined)("against Debian's mosquitto_passwd", () => {
  test("we verify what it writes, for awkward passwords too", () => {
    const dir = mkdtempSync(join(tmpdir(), "dca-mqpw-"));
    try {
      const passwords = ["a", "with space", "colon:and$dollar", "ünïcødé ✓", "x".repeat(200), "Zm9vYmFy-_base64url"];
      passwords.forEach((pw, i) => {
        const r = spawnSync(mosquittoPasswdBinary()!, [...(i === 0 ? ["-c"] : []), "-b", join(dir, "pw"), `user${i}`, pw], { encoding: "utf8" });
        expect(r.status).toBe(0);
      });
      const lines = readFileSync(join(dir, "pw"), "utf8").trim().split("\n");
      expect(lines.length).toBe(passwords.length);
      for (const line of lines) {
        const [user, hash] = line.split(":");
        const pw = passwords[Number(user.slice(4))];
        expect(verifyMosquittoHash(pw, hash)).toBe(true);
        expect(verifyMosquittoHash(`${pw}!`, hash)).toBe(false);
        // Same salt, same hash: our derivation is mosquitto's.
        expect(mosquittoHash(pw, { salt: parseMosquittoHash(hash)!.salt })).toBe(hash);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const noBroker = mosquittoSkipReason();
if (noBroker) console.warn(`skipping the broker check: ${noBroker}`);

describe.skipIf(noBroker !== undefined)("against a real mosquitto", () => {
  test("a password file we write lets the right password in and keeps a wrong one out", async () => {
    const good = "Hk3-secret_from-the-hub";
    const broker = await startMosquitto({
      passwords: `agt_one:${mosquittoHash(good)}\nagt_two:${mosquittoHash("other", { iterations: 1000 })}\n`,
      acl: "pattern read dca/agents/%u/wake\n",
    });
    try {
      const client = await connectTestClient(broker.mqttsUrl, { username: "agt_one", password: good, caPath: broker.caPath });
      expect(client.connected).toBe(true);
      await client.endAsync();
      const two = await connectTestClient(broker.mqttsUrl, { username: "agt_two", password: "other", caPath: broker.caPath });
      await two.endAsync();
      await expect(connectTestClient(broker.mqttsUrl, { username: "agt_one", password: `${good}x`, caPath: broker.caPath })).rejects.toThrow(
        /not authori[sz]ed|bad user ?name or password/i,
      );
      await expect(connectTestClient(broker.mqttsUrl, { username: "agt_three", password: good, caPath: broker.caPath })).rejects.toThrow(
        /not authori[sz]ed|bad user ?name or password/i,
      );
    } finally {
      await broker.stop();
    }
  });
});
