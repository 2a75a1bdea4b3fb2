import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync, existsSync } from "node:fs";
import { type HubStore, MAX_FAILED_ATTEMPTS, StoreError, openHubStore } from "./index.ts";
import { CODE_ALPHABET, newActivationCode } from "./ids.ts";
import { tempDataDir, testClock } from "../../../test/support/hub-store-fixtures.ts";

const open: HubStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
function setup() {
  const clock = testClock();
  const store = openHubStore(tempDataDir(), { now: clock.now });
  open.push(store);
  const site = store.createSite("Acme Print");
  return { store, clock, site };
}
const req = (code: string, installId = "install-1") => ({ code, installId, hostname: "pc-1", agentVersion: "0.1.0", platform: "linux-x64" });

describe("activation codes", () => {
  test("codes are ABCD-EFGH from an alphabet without 0 O 1 I L, and differ", () => {
    const { store, site } = setup();
    const codes = [...Array.from({ length: 20 }, () => store.createActivationCode(site.id).code), ...Array.from({ length: 2000 }, newActivationCode)];
    for (const c of codes) expect(c).toMatch(/^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);
    expect(new Set(codes).size).toBe(codes.length);
    // Every character of the alphabet turns up: the sampling is not skewed away from any.
    expect(new Set(codes.join("").replace(/-/g, "")).size).toBe(CODE_ALPHABET.length);
  });

  test("a code works once, in any case and with spaces, and the database keeps neither code nor secret", () => {
    const { store, site, clock } = setup();
    const { code, expiresAt } = store.createActivationCode(site.id);
    expect(expiresAt.getTime()).toBe(clock.ms + 7 * 24 * 3600_000);
    const typed = ` ${code.toLowerCase().replace("-", " ")} `;
    const r = store.activate(req(typed));
    if (!r.ok) throw new Error(`activation failed: ${r.reason}`);
    expect(r.site).toEqual(site);
    expect(r.agent.id).toMatch(/^agt_[0-9a-z]{16}$/);
    expect(r.agent).toMatchObject({ siteId: site.id, installId: "install-1", hostname: "pc-1", platform: "linux-x64", disabled: false });
    expect(Buffer.from(r.secret, "base64url").length).toBe(32);

    expect(store.authenticateAgent(r.agent.id, r.secret)?.id).toBe(r.agent.id);
    expect(store.authenticateAgent(r.agent.id, `${r.secret}x`)).toBeUndefined();
    expect(store.authenticateAgent("agt_nosuchagent000", r.secret)).toBeUndefined();

    const again = store.activate(req(code, "install-2"));
    expect(again).toEqual({ ok: false, reason: "used", failedAttempts: 1, attemptsLeft: MAX_FAILED_ATTEMPTS - 1 });

    const files = [store.path, `${store.path}-wal`].filter(existsSync).map((p) => readFileSync(p));
    for (const needle of [r.secret, code, code.replace("-", "")]) {
      for (const f of files) expect(f.includes(Buffer.from(needle))).toBe(false);
    }
  });

  test("five failures lock the install, even for a valid code, until an admin resets it", () => {
    const { store, site } = setup();
    const { code } = store.createActivationCode(site.id);
    for (let i = 1; i <= MAX_FAILED_ATTEMPTS; i++) {
      expect(store.activate(req("WRNG-C0DE"))).toEqual({ ok: false, reason: "invalid", failedAttempts: i, attemptsLeft: MAX_FAILED_ATTEMPTS - i });
    }
    expect(store.activate(req(code))).toEqual({ ok: false, reason: "install-locked", failedAttempts: 5, attemptsLeft: 0 });
    expect(store.checkLockout("install-1")).toEqual({ failedAttempts: 5, resetGeneration: 0 });
    expect(store.listInstalls()).toMatchObject([{ installId: "install-1", failedAttempts: 5, locked: true, resetGeneration: 0 }]);
    // Other installs are not affected, and the code was not used up by the locked attempt.
    expect(store.checkLockout("install-2")).toEqual({ failedAttempts: 0, resetGeneration: 0 });

    expect(store.resetInstall("install-1")).toEqual({ resetGeneration: 1 });
    expect(store.checkLockout("install-1")).toEqual({ failedAttempts: 0, resetGeneration: 1 });
    const r = store.activate(req(code));
    expect(r.ok).toBe(true);
    expect(store.listInstalls()[0]).toMatchObject({ failedAttempts: 0, locked: false, resetGeneration: 1 });
  });

  test("a code expires after its lifetime; the failure counts on the install and the code", () => {
    const { store, site, clock } = setup();
    const { code, expiresAt } = store.createActivationCode(site.id, { ttlMs: 3600_000 });
    clock.set(expiresAt.getTime());
    expect(store.activate(req(code))).toEqual({ ok: false, reason: "expired", failedAttempts: 1, attemptsLeft: 4 });
    clock.set(expiresAt.getTime() - 1);
    // Still within its life: one failure on the code so far, so it works.
    expect(store.activate(req(code)).ok).toBe(true);
  });

  test("a code that failed five times is dead, even back within its lifetime", () => {
    const { store, site, clock } = setup();
    const { code, expiresAt } = store.createActivationCode(site.id, { ttlMs: 60_000 });
    clock.set(expiresAt.getTime() + 1);
    for (let i = 0; i < MAX_FAILED_ATTEMPTS; i++) expect(store.activate(req(code, `install-${i}`))).toMatchObject({ reason: "expired", failedAttempts: 1 });
    clock.set(expiresAt.getTime() - 30_000);
    expect(store.activate(req(code, "install-fresh"))).toMatchObject({ ok: false, reason: "invalid" });
  });

  test("activating the same install again on the same site replaces its agent", () => {
    const { store, site } = setup();
    const other = store.createSite("Other");
    const first = store.activate(req(store.createActivationCode(site.id).code));
    const elsewhere = store.activate(req(store.createActivationCode(other.id).code));
    const second = store.activate(req(store.createActivationCode(site.id).code));
    if (!first.ok || !second.ok || !elsewhere.ok) throw new Error("activation failed");
    expect(store.getAgent(first.agent.id)?.replacedBy).toBe(second.agent.id);
    expect(store.authenticateAgent(first.agent.id, first.secret)).toBeUndefined();
    expect(store.authenticateAgent(second.agent.id, second.secret)?.id).toBe(second.agent.id);
    // The same install on another site is another agent, untouched.
    expect(store.authenticateAgent(elsewhere.agent.id, elsewhere.secret)?.siteId).toBe(other.id);
    expect(store.listAgents(site.id).map((a) => a.id)).toEqual([first.agent.id, second.agent.id]);
  });

  test("a disabled agent does not authenticate; polls are recorded", () => {
    const { store, site, clock } = setup();
    const r = store.activate(req(store.createActivationCode(site.id).code));
    if (!r.ok) throw new Error("activation failed");
    clock.advance(5000);
    store.recordPoll(r.agent.id, {
      configVersion: 3n,
      outboxDepth: 12n,
      outboxBytes: 4096n,
      droppedReadings: 2n,
      agentVersion: "0.1.1",
      hostname: "pc-1b",
      lastError: "10.0.0.9: timeout",
      knownDevices: 7,
    });
    expect(store.getAgent(r.agent.id)).toMatchObject({
      lastPollAt: clock.now(),
      configVersion: 3,
      outboxDepth: 12,
      outboxBytes: 4096,
      droppedReadings: 2,
      agentVersion: "0.1.1",
      hostname: "pc-1b",
      lastError: "10.0.0.9: timeout",
      knownDevices: 7,
    });
    store.setAgentDisabled(r.agent.id, true);
    expect(store.authenticateAgent(r.agent.id, r.secret)).toBeUndefined();
    store.setAgentDisabled(r.agent.id, false);
    expect(store.authenticateAgent(r.agent.id, r.secret)?.id).toBe(r.agent.id);
  });

  test("bad input is a StoreError with a code", () => {
    const { store, site } = setup();
    expect(() => store.activate(req("ABCD-EFGH", " "))).toThrow(StoreError);
    expect(() => store.resetInstall("never-seen")).toThrow(/unknown install/);
    expect(() => store.createActivationCode("site_nope")).toThrow(/unknown site/);
    expect(() => store.createActivationCode(site.id, { ttlMs: 0 })).toThrow(/positive/);
    expect(store.checkLockout("never-seen")).toEqual({ failedAttempts: 0, resetGeneration: 0 });
  });
});
