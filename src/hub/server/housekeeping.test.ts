import { describe, expect, test } from "bun:test";
import { openHubStore } from "../store/index.ts";
import { tempDataDir, testClock } from "../../../test/support/hub-store-fixtures.ts";
import { housekeepOnce } from "./housekeeping.ts";

const DAY = 86_400_000;

describe("housekeeping", () => {
  test("accounts unused past the inactivity limit are disabled, their sessions end, and the audit log says so", () => {
    const clock = testClock();
    const store = openHubStore(tempDataDir(), { clock });
    const idle = store.createUser({ username: "idle" });
    const busy = store.createUser({ username: "busy" });
    const { token } = store.createSession({ userId: idle.id, method: "password", address: "127.0.0.1", client: "t" });
    clock.advance(89 * DAY);
    store.recordSignIn(busy.id);
    expect(housekeepOnce(store, clock.now()).disabled).toEqual([]);
    clock.advance(2 * DAY);
    expect(housekeepOnce(store, clock.now()).disabled).toEqual(["idle"]);
    expect(store.getUser(idle.id)!.disabledReason).toBe("inactive for 91 days");
    expect(store.getUser(busy.id)!.disabledAt).toBeUndefined();
    expect(store.authenticateSession(token, "127.0.0.1")).toBeUndefined();
    expect(store.listAudit({ action: "DisableInactiveUser" }).map((r) => r.target)).toEqual(["user idle"]);
    store.close();
  });

  test("a longer limit (180 days) is kept; the audit retention deletes only what is older", () => {
    const clock = testClock();
    const store = openHubStore(tempDataDir(), { clock });
    store.setSecuritySettings({ inactivityDays: 180, auditRetentionDays: 30 });
    const u = store.createUser({ username: "seasonal" });
    store.appendAudit({ actor: "t", action: "Old", outcome: "ok" });
    clock.advance(120 * DAY);
    store.appendAudit({ actor: "t", action: "New", outcome: "ok" });
    const r = housekeepOnce(store, clock.now());
    expect(r).toEqual({ disabled: [], auditDeleted: 1 });
    expect(store.getUser(u.id)!.disabledAt).toBeUndefined();
    expect(store.verifyAudit().ok).toBe(true);
    clock.advance(61 * DAY);
    expect(housekeepOnce(store, clock.now()).disabled).toEqual(["seasonal"]);
    store.close();
  });
});
