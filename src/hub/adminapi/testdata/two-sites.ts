/**
 * Two sites for AdminService permission tests: "A" (127.0.0.0/24) and "B"
 * (127.0.1.0/24), each with an agent and one known device, and the
 * web-access settings `serve` writes; the in-process harness on top.
 */
import { expect } from "bun:test";
import { DcaError, type ErrorCode } from "../../../common/errors.ts";
import { type AdminHarness, adminHarness } from "../../../../test/support/admin-harness.ts";
import { makeReading, outbox } from "../../../../test/support/hub-store-fixtures.ts";
import { writeWebAccessSettings } from "../../webaccess/web-access-settings.ts";

/** One site of the pair. */
export interface TestSite {
  id: string;
  agentId: string;
  /** Its device's id and address. */
  deviceId: string;
  deviceAddress: string;
}

export interface TwoSites {
  h: AdminHarness;
  a: TestSite;
  b: TestSite;
}

function site(h: AdminHarness, name: string, net: string): TestSite {
  const s = h.store.createSite(name);
  h.store.updateSiteConfig(s.id, (c) => void (c.targets = [`${net}.0/24`]));
  const r = h.store.activate({ code: h.store.createActivationCode(s.id).code, installId: name.repeat(32).slice(0, 32), hostname: name, agentVersion: "0.1.0", platform: "linux-x64" });
  if (!r.ok) throw new Error(r.reason);
  const deviceAddress = `${net}.7`;
  h.store.storeReadings(r.agent, [outbox(`r-${name}`, makeReading({ address: deviceAddress, serial: `SN-${name}`, model: `Model ${name}`, readAt: h.clock.ms - 60_000, total: 1000n }))]);
  const device = h.store.listDevices({ siteId: s.id })[0]!;
  return { id: s.id, agentId: r.agent.id, deviceId: device.id, deviceAddress };
}

/** The harness with sites A and B. */
export function twoSites(): TwoSites {
  const h = adminHarness();
  writeWebAccessSettings(h.dataDir, { domain: "wa.hub.test", port: 8443 });
  return { h, a: site(h, "A", "127.0.0"), b: site(h, "B", "127.0.1") };
}

/** Expects `call` to fail with `code` (permission-denied by default); returns the error. */
export async function refused(call: Promise<unknown>, code: ErrorCode = "permission-denied"): Promise<DcaError> {
  const e = await call.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(DcaError);
  expect((e as DcaError).code).toBe(code);
  return e as DcaError;
}
