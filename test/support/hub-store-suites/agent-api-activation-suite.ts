/**
 * AgentApiStore, the calls before and around an agent's work: activation
 * and its lockout, authentication, the poll heartbeat and the site config.
 */
import { describe, expect, test } from "bun:test";
import { type AgentApiStore, MAX_FAILED_ATTEMPTS, PRUNE_INSTALLS_AFTER_MS, StoreError } from "../../../src/hub/store/index.ts";
import { type OpenStore, codeOf, storesUnderTest } from "./store-under-test.ts";

const req = (code: string, installId = "install-1") => ({ code, installId, hostname: "pc-1", agentVersion: "0.1.0", platform: "linux-x64" });

/** The activation, authentication, poll and config tests of an AgentApiStore. */
export function describeAgentApiActivation(open: OpenStore): void {
  describe("activation, authentication, polls and config", () => {
    const opened = storesUnderTest<AgentApiStore>(open);
    const setup = () => {
      const t = opened();
      return { ...t, site: t.rest.createSite("Acme Print") };
    };

    test("a code works once, in any case and with spaces", () => {
      const { store, rest, site, clock } = setup();
      const { code, expiresAt } = rest.createActivationCode(site.id);
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
    });

    test("five failures lock the install, even for a valid code, until an admin resets it", () => {
      const { store, rest, site } = setup();
      const { code } = rest.createActivationCode(site.id);
      for (let i = 1; i <= MAX_FAILED_ATTEMPTS; i++) {
        expect(store.activate(req("WRNG-C0DE"))).toEqual({ ok: false, reason: "invalid", failedAttempts: i, attemptsLeft: MAX_FAILED_ATTEMPTS - i });
      }
      expect(store.activate(req(code))).toEqual({ ok: false, reason: "install-locked", failedAttempts: 5, attemptsLeft: 0 });
      expect(store.checkLockout("install-1")).toEqual({ failedAttempts: 5, resetGeneration: 0 });
      expect(rest.listInstalls()).toMatchObject([{ installId: "install-1", failedAttempts: 5, locked: true, resetGeneration: 0 }]);
      // Other installs are not affected, and the code was not used up by the locked attempt.
      expect(store.checkLockout("install-2")).toEqual({ failedAttempts: 0, resetGeneration: 0 });

      expect(rest.resetInstall("install-1")).toEqual({ resetGeneration: 1 });
      expect(store.checkLockout("install-1")).toEqual({ failedAttempts: 0, resetGeneration: 1 });
      const r = store.activate(req(code));
      expect(r.ok).toBe(true);
      expect(rest.listInstalls()[0]).toMatchObject({ failedAttempts: 0, locked: false, resetGeneration: 1 });
    });

    test("a code expires after its lifetime; the failure counts on the install and the code", () => {
      const { store, rest, site, clock } = setup();
      const { code, expiresAt } = rest.createActivationCode(site.id, { ttlMs: 3600_000 });
      clock.set(expiresAt.getTime());
      expect(store.activate(req(code))).toEqual({ ok: false, reason: "expired", failedAttempts: 1, attemptsLeft: 4 });
      clock.set(expiresAt.getTime() - 1);
      // Still within its life: one failure on the code so far, so it works.
      expect(store.activate(req(code)).ok).toBe(true);
    });

    test("a code that failed five times is dead, even back within its lifetime", () => {
      const { store, rest, site, clock } = setup();
      const { code, expiresAt } = rest.createActivationCode(site.id, { ttlMs: 60_000 });
      clock.set(expiresAt.getTime() + 1);
      for (let i = 0; i < MAX_FAILED_ATTEMPTS; i++) expect(store.activate(req(code, `install-${i}`))).toMatchObject({ reason: "expired", failedAttempts: 1 });
      clock.set(expiresAt.getTime() - 30_000);
      expect(store.activate(req(code, "install-fresh"))).toMatchObject({ ok: false, reason: "invalid" });
    });

    test("install rows left by failed guesses are pruned after a week; locked, reset and activated installs stay", () => {
      const { store, rest, site, clock } = setup();
      const { code } = rest.createActivationCode(site.id);
      for (let i = 0; i < 20; i++) store.activate(req("AAAA-AAAA", `guess-${i}`));
      for (let i = 0; i < MAX_FAILED_ATTEMPTS; i++) store.activate(req("AAAA-AAAA", "locked-1"));
      store.activate(req("AAAA-AAAA", "reset-1"));
      rest.resetInstall("reset-1");
      store.activate(req("AAAA-AAAA", "typo-then-ok"));
      expect(store.activate(req(code, "typo-then-ok")).ok).toBe(true);
      expect(rest.listInstalls()).toHaveLength(23);
      clock.advance(PRUNE_INSTALLS_AFTER_MS + 1);
      store.activate(req("AAAA-AAAA", "guess-new"));
      expect(rest.listInstalls().map((i) => i.installId).sort()).toEqual(["guess-new", "locked-1", "reset-1", "typo-then-ok"]);
      expect(store.checkLockout("locked-1").failedAttempts).toBe(MAX_FAILED_ATTEMPTS);
    });

    test("activating the same install again on the same site replaces its agent", () => {
      const { store, rest, site } = setup();
      const other = rest.createSite("Other");
      const first = store.activate(req(rest.createActivationCode(site.id).code));
      const elsewhere = store.activate(req(rest.createActivationCode(other.id).code));
      const second = store.activate(req(rest.createActivationCode(site.id).code));
      if (!first.ok || !second.ok || !elsewhere.ok) throw new Error("activation failed");
      expect(rest.getAgent(first.agent.id)?.replacedBy).toBe(second.agent.id);
      expect(store.authenticateAgent(first.agent.id, first.secret)).toBeUndefined();
      expect(store.authenticateAgent(second.agent.id, second.secret)?.id).toBe(second.agent.id);
      // The same install on another site is another agent, untouched.
      expect(store.authenticateAgent(elsewhere.agent.id, elsewhere.secret)?.siteId).toBe(other.id);
      expect(rest.listAgents(site.id).map((a) => a.id)).toEqual([first.agent.id, second.agent.id]);
    });

    test("a disabled agent does not authenticate; polls are recorded", () => {
      const { store, rest, site, clock } = setup();
      const r = store.activate(req(rest.createActivationCode(site.id).code));
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
      expect(rest.getAgent(r.agent.id)).toMatchObject({
        lastPollAt: new Date(clock.ms),
        configVersion: 3,
        outboxDepth: 12,
        outboxBytes: 4096,
        droppedReadings: 2,
        agentVersion: "0.1.1",
        hostname: "pc-1b",
        lastError: "10.0.0.9: timeout",
        knownDevices: 7,
      });
      rest.setAgentDisabled(r.agent.id, true);
      expect(store.authenticateAgent(r.agent.id, r.secret)).toBeUndefined();
      rest.setAgentDisabled(r.agent.id, false);
      expect(store.authenticateAgent(r.agent.id, r.secret)?.id).toBe(r.agent.id);
    });

    test("a poll's counts are kept within range and its texts bounded; an unknown agent's poll is not-found", () => {
      const { store, rest, site } = setup();
      const r = store.activate(req(rest.createActivationCode(site.id).code));
      if (!r.ok) throw new Error("activation failed");
      const poll = { configVersion: 2n ** 70n, outboxDepth: -5n, outboxBytes: 0n, droppedReadings: 0n, agentVersion: "v", hostname: "h", lastError: "e".repeat(5000), knownDevices: -3 };
      store.recordPoll(r.agent.id, poll);
      expect(rest.getAgent(r.agent.id)).toMatchObject({ configVersion: Number.MAX_SAFE_INTEGER, outboxDepth: 0, knownDevices: 0, lastError: "e".repeat(1000) });
      expect(codeOf(() => store.recordPoll("agt_nosuchagent000", poll))).toBe("not-found");
    });

    test("an agent gets its site's config at the current version; an unknown site is not-found", () => {
      const { store, rest, site } = setup();
      expect(store.getSiteConfig(site.id)).toMatchObject({ version: 1n, targets: [] });
      rest.updateSiteConfig(site.id, (c) => void (c.targets = ["10.0.0.0/24"]));
      expect(store.getSiteConfig(site.id)).toMatchObject({ version: 2n, targets: ["10.0.0.0/24"] });
      expect(codeOf(() => store.getSiteConfig("site_nope"))).toBe("not-found");
    });

    test("bad input is a StoreError with a code; an install never seen has no failures", () => {
      const { store } = setup();
      expect(() => store.activate(req("ABCD-EFGH", " "))).toThrow(StoreError);
      expect(codeOf(() => store.activate(req("ABCD-EFGH", " ")))).toBe("invalid-argument");
      expect(store.checkLockout("never-seen")).toEqual({ failedAttempts: 0, resetGeneration: 0 });
    });
  });
}
