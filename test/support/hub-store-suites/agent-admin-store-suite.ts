/**
 * The suite of AgentAdminStore, what the `code`, `agent`, `install` and
 * `mqtt` admin commands need: activation codes, agents, installs and the
 * agents' mosquitto hashes.
 */
import { describe, expect, test } from "bun:test";
import { verifyMosquittoHash } from "../../../src/hub/mqtt/mosquitto-passwd.ts";
import { type AgentAdminStore, DEFAULT_CODE_TTL_MS, MAX_FAILED_ATTEMPTS } from "../../../src/hub/store/index.ts";
import { type OpenStore, codeOf, newAgent, storesUnderTest } from "./store-under-test.ts";

const fail = (installId: string) => ({ code: "WRNG-C0DE", installId, hostname: "pc", agentVersion: "0.1.0", platform: "linux-x64" });

/** Runs every AgentAdminStore test on the stores `open` makes; `name` names the implementation. */
export function describeAgentAdminStore(name: string, open: OpenStore): void {
  describe(`${name} as AgentAdminStore`, () => {
    const opened = storesUnderTest<AgentAdminStore>(open);
    const setup = () => {
      const t = opened();
      return { ...t, site: t.rest.createSite("Acme") };
    };

    test("codes are ABCD-EFGH from an alphabet without 0 O 1 I L, differ, and live 7 days unless told", () => {
      const { store, site, clock } = setup();
      const made = Array.from({ length: 20 }, () => store.createActivationCode(site.id));
      for (const { code, expiresAt } of made) {
        expect(code).toMatch(/^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);
        expect(expiresAt).toEqual(new Date(clock.ms + DEFAULT_CODE_TTL_MS));
      }
      expect(new Set(made.map((m) => m.code)).size).toBe(made.length);
      expect(DEFAULT_CODE_TTL_MS).toBe(7 * 24 * 3600_000);
      expect(store.createActivationCode(site.id, { ttlMs: 3600_000 }).expiresAt).toEqual(new Date(clock.ms + 3600_000));
    });

    test("a code needs a known site and a positive lifetime", () => {
      const { store, site } = setup();
      expect(() => store.createActivationCode("site_nope")).toThrow(/unknown site/);
      expect(codeOf(() => store.createActivationCode("site_nope"))).toBe("not-found");
      expect(() => store.createActivationCode(site.id, { ttlMs: 0 })).toThrow(/positive/);
      for (const ttlMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) expect(codeOf(() => store.createActivationCode(site.id, { ttlMs }))).toBe("invalid-argument");
    });

    test("agents are listed by site in activation order, found by id, disabled and enabled", () => {
      const { store, rest, site } = setup();
      const other = rest.createSite("Other");
      const a1 = newAgent(store, rest, site.id, "i1").agent;
      const b1 = newAgent(store, rest, other.id, "i2").agent;
      const a2 = newAgent(store, rest, site.id, "i3").agent;
      expect(store.listAgents(site.id).map((a) => a.id)).toEqual([a1.id, a2.id]);
      expect(store.listAgents().map((a) => a.id)).toEqual([a1.id, b1.id, a2.id]);
      expect(store.getAgent(b1.id)).toEqual(b1);
      expect(store.getAgent("agt_nosuchagent000")).toBeUndefined();

      expect(store.setAgentDisabled(a2.id, true)).toMatchObject({ id: a2.id, disabled: true });
      expect(store.getAgent(a2.id)?.disabled).toBe(true);
      expect(store.listAgents(site.id).map((a) => a.disabled)).toEqual([false, true]);
      expect(store.setAgentDisabled(a2.id, false).disabled).toBe(false);
      expect(codeOf(() => store.setAgentDisabled("agt_nosuchagent000", true))).toBe("not-found");
    });

    test("installs are listed latest attempt first, locked at five failures; a reset unlocks and counts up", () => {
      const { store, rest, clock } = setup();
      for (let i = 0; i < MAX_FAILED_ATTEMPTS; i++) rest.activate(fail("install-a"));
      clock.advance(1000);
      rest.activate(fail("install-b"));
      expect(store.listInstalls()).toEqual([
        { installId: "install-b", failedAttempts: 1, locked: false, resetGeneration: 0, lastAttemptAt: new Date(clock.ms) },
        { installId: "install-a", failedAttempts: MAX_FAILED_ATTEMPTS, locked: true, resetGeneration: 0, lastAttemptAt: new Date(clock.ms - 1000) },
      ]);
      expect(store.resetInstall("install-a")).toEqual({ resetGeneration: 1 });
      expect(store.resetInstall(" install-a ")).toEqual({ resetGeneration: 2 });
      expect(store.listInstalls()[1]).toMatchObject({ installId: "install-a", failedAttempts: 0, locked: false, resetGeneration: 2 });
      expect(() => store.resetInstall("never-seen")).toThrow(/unknown install/);
      expect(codeOf(() => store.resetInstall("never-seen"))).toBe("not-found");
    });

    test("mqttPasswordEntries lists enabled, current agents by id, each with a mosquitto hash of its secret", () => {
      const { store, rest, site } = setup();
      const replaced = newAgent(store, rest, site.id, "i1");
      const disabled = newAgent(store, rest, site.id, "i2");
      const kept = newAgent(store, rest, site.id, "i3");
      const current = newAgent(store, rest, site.id, "i1");
      store.setAgentDisabled(disabled.agent.id, true);
      const entries = store.mqttPasswordEntries();
      expect(entries.map((e) => e.agentId)).toEqual([kept.agent.id, current.agent.id].sort());
      const secretOf = new Map([kept, current].map((x) => [x.agent.id, x.secret]));
      for (const e of entries) {
        expect(e.hash).toStartWith("$7$");
        expect(verifyMosquittoHash(secretOf.get(e.agentId)!, e.hash)).toBe(true);
      }
      expect(entries.map((e) => e.agentId)).not.toContain(replaced.agent.id);
    });
  });
}
