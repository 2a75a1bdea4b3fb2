import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { PollResponseSchema, ReleaseOfferSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import { publicKeyOf } from "../../common/release-signing/index.ts";
import { newPrivateKey, revocations } from "../../../test/support/release-keys.ts";
import type { FileFetcher } from "../transport/index.ts";
import { createUpdateState } from "./update-state.ts";
import { createUpdater } from "./updater.ts";
import { tempDir } from "../../../test/support/temp-dir.ts";

const root = newPrivateKey();
// 2026-03-07 02:00 UTC, a Saturday.
const now = Date.parse("2026-03-07T02:00:00Z");

/** An updater whose downloads are only counted (none of these cases may download). */
function setup(rootPub = publicKeyOf(root), exe = "/nonexistent/dca") {
  const state = createUpdateState(tempDir("dca-updater-"));
  const logs: string[] = [];
  let downloads = 0;
  const fetcher: FileFetcher = {
    getRange: () => {
      downloads++;
      return Promise.reject(new Error("no network here"));
    },
    close() {},
  };
  const updater = createUpdater({ state, exe, version: "0.2.0", platform: "linux-x64", root: rootPub, fetcher, clock: { now: () => now }, log: (l) => logs.push(l) });
  const offer = (version: string, window = "") =>
    updater.polled(create(PollResponseSchema, { update: create(ReleaseOfferSchema, { version, size: 10n, sha256: Bun.hash(version).toString(16).padStart(64, "0"), url: "https://127.0.0.1:1/x", window }) }));
  return { state, logs, updater, offer, downloads: () => downloads };
}

describe("what the updater does with a poll answer", () => {
  test("a downgrade or the same version is refused and remembered, never downloaded", () => {
    const { state, logs, offer, downloads, updater } = setup();
    offer("0.1.9");
    offer("0.2.0");
    expect(downloads()).toBe(0);
    expect(logs).toEqual(["update: refused 0.1.9: not newer than 0.2.0", "update: refused 0.2.0: not newer than 0.2.0"]);
    expect(state.record().status).toBe("refused 0.2.0: not newer than 0.2.0 (no downgrade)");
    expect(updater.pollFields().updateStatus).toBe("refused 0.2.0: not newer than 0.2.0 (no downgrade)");
    // Where offers come from is kept for "dca doctor".
    expect(state.lastOfferUrl()).toBe("https://127.0.0.1:1/x");
  });

  test("outside the window it was told, it waits (its own clock decides too)", () => {
    const { logs, offer, downloads } = setup();
    offer("0.3.0", "Sun 01:00-05:00");
    offer("0.3.0", "Sun 01:00-05:00");
    expect(downloads()).toBe(0);
    expect(logs).toEqual(["update: 0.3.0 is offered; waiting for the update window Sun 01:00-05:00"]);
  });

  test("an executable whose folder it cannot write (a package's) is not downloaded: it says why once and tells the hub", () => {
    const { state, logs, offer, downloads } = setup();
    offer("0.3.0");
    offer("0.3.0");
    expect(downloads()).toBe(0);
    const why = "not updating to 0.3.0: this agent cannot replace its executable in /nonexistent (installed by a package: update the package)";
    expect(logs).toEqual([`update: ${why}`]);
    expect(state.record().status).toBe(why);
    // Where it can write, the same offer is fetched.
    const writable = setup(publicKeyOf(root), join(tempDir("dca-updater-exe-"), "dca"));
    writable.offer("0.3.0");
    expect(writable.downloads()).toBe(1);
  });

  test("a download that fails tells the hub why, is not refused, and is tried again at the next poll", async () => {
    const { state, logs, offer, downloads, updater } = setup(publicKeyOf(root), join(tempDir("dca-updater-exe-"), "dca"));
    offer("0.3.0");
    await Bun.sleep(10);
    const why = "not updated to 0.3.0 yet: no network here; ";
    expect(logs[1]).toStartWith(`update: ${why}`);
    expect(updater.pollFields().updateStatus).toStartWith(why);
    expect(state.record().refused).toEqual([]);
    offer("0.3.0");
    expect(downloads()).toBe(2);
  });

  test("a development build installs nothing", () => {
    const { logs, offer, downloads } = setup("");
    offer("0.3.0");
    expect(downloads()).toBe(0);
    expect(logs[0]).toContain("development build");
  });

  test("a revocation list is kept only if the root signed it and it is newer", () => {
    const { updater, state } = setup();
    const give = (list: unknown) => updater.polled(create(PollResponseSchema, { revocationList: JSON.stringify(list) }));
    give(revocations(newPrivateKey(), 5));
    expect(updater.pollFields().revocationSerial).toBe(0n);
    give(revocations(root, 3));
    give(revocations(root, 2));
    expect(updater.pollFields().revocationSerial).toBe(3n);
    expect(state.revocations(publicKeyOf(root))?.serial).toBe(3);
  });
});
