import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beginStart, markHealthy } from "./start-trial.ts";
import { installExecutable } from "./swap-executable.ts";
import { createUpdateState } from "./update-state.ts";
import { tempDir } from "../../../test/support/temp-dir.ts";

/** An installed "dca 0.1.0" with its bundle, a checked "0.2.0" in the state folder, and the update state. */
function setup() {
  const dir = tempDir("dca-trial-");
  const exe = join(dir, "dca");
  writeFileSync(exe, "old executable");
  writeFileSync(`${exe}.sig`, "old bundle");
  const state = createUpdateState(join(dir, "state"));
  const verified = join(dir, "new.unverified");
  writeFileSync(verified, "new executable");
  const sha256 = createHash("sha256").update("new executable").digest("hex");
  const pending = { from: "0.1.0", to: "0.2.0", sha256, healthSeconds: 600, starts: 0, swappedAt: new Date(0).toISOString() };
  const install = (preflight?: () => void) =>
    installExecutable(exe, verified, "new bundle", 14, sha256, { preflight, beforeSwap: () => state.setPending(pending) });
  return { dir, exe, state, install, sha256 };
}

describe("swapping the executable and the trial of the new one", () => {
  test("the swap keeps the running file and its bundle as .previous", () => {
    const { dir, exe, state, install } = setup();
    install();
    expect(readFileSync(exe, "utf8")).toBe("new executable");
    expect(readFileSync(`${exe}.sig`, "utf8")).toBe("new bundle");
    expect(readFileSync(`${exe}.previous`, "utf8")).toBe("old executable");
    expect(readFileSync(`${exe}.previous.sig`, "utf8")).toBe("old bundle");
    expect(state.pending()?.to).toBe("0.2.0");
    expect(readdirSync(dir).sort()).toEqual(["dca", "dca.previous", "dca.previous.sig", "dca.sig", "new.unverified", "state"]);
  });

  test("a new file that does not start is never swapped in", () => {
    const { dir, exe, state, install } = setup();
    expect(() =>
      install(() => {
        throw new Error("does not start");
      }),
    ).toThrow("does not start");
    expect(readFileSync(exe, "utf8")).toBe("old executable");
    expect(state.pending()).toBeUndefined();
    expect(readdirSync(dir).sort()).toEqual(["dca", "dca.sig", "new.unverified"]);
  });

  test("first start: a trial; a poll makes it healthy and ends the marker", () => {
    const { exe, state, install } = setup();
    install();
    const first = beginStart(state, exe, "0.2.0");
    expect(first).toMatchObject({ kind: "trial", pending: { starts: 1 } });
    if (first.kind !== "trial") return;
    expect(markHealthy(state, first.pending, 2345)).toBe("updated from 0.1.0 to 0.2.0; it reached the hub 2.3 s after it started");
    expect(state.pending()).toBeUndefined();
    expect(beginStart(state, exe, "0.2.0")).toEqual({ kind: "normal" });
  });

  test("a second start without a healthy poll rolls back, says why, and refuses that release from then on", () => {
    const { exe, state, install, sha256 } = setup();
    install();
    beginStart(state, exe, "0.2.0");
    const second = beginStart(state, exe, "0.2.0");
    expect(second).toEqual({ kind: "rolled-back", reason: "rolled back from 0.2.0 to 0.1.0: it stopped before it reached the hub" });
    expect(readFileSync(exe, "utf8")).toBe("old executable");
    expect(readFileSync(`${exe}.sig`, "utf8")).toBe("old bundle");
    expect(existsSync(`${exe}.previous`)).toBe(false);
    expect(state.record()).toEqual({ status: "rolled back from 0.2.0 to 0.1.0: it stopped before it reached the hub", refused: [sha256] });
    expect(beginStart(state, exe, "0.1.0")).toEqual({ kind: "normal" });
  });
});
