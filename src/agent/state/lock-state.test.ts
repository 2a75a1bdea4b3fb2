import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { useTempState } from "./testdata/temp-state.ts";
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  AgentLockedError,
  applyHubReset,
  assertNotLocked,
  inspectLockState,
  installId,
  MAX_FAILED_ACTIVATIONS,
  peekLockState,
  readLockState,
  recordFailedActivation,
  beginActivationAttempt,
  settleActivationAttempt,
  UNSETTLED_ATTEMPT,
  saveIdentity,
} from "./index.ts";
import { outsideSealDir } from "./sealed-copies.ts";

// Every test gets its own machine id file, state folder and "outside" folder,
// so nothing is written to the real home folder or read from /etc/machine-id.
let root: string;
let dir: string;
let machineFile: string;
const hub = { hubUrl: "https://127.0.0.1:8443", reason: "PERMISSION_DENIED: wrong code" };

const setup = useTempState("dca-lock-", "5f0c6a1e9b2d4c7e8a3b1d0f2e4c6a8b", (s) => {
  ({ root, dir, machineFile } = s);
});

const sealedFile = () => join(dir, "lock.sealed");
const outsideFile = () => join(outsideSealDir(installId(dir)) as string, "lock.sealed");
const fail = (n: number) => {
  for (let i = 0; i < n; i++) recordFailedActivation(dir, hub);
};
const activate = () =>
  saveIdentity(dir, {
    hubUrl: hub.hubUrl,
    agentId: "agent-1",
    secret: "s3cr3t-bearer",
    siteId: "site-1",
    siteName: "Lobby",
    activatedAt: new Date().toISOString(),
  });

/** Runs the state API in a separate Bun process, as a restarted agent would. */
function inChild(code: string): string {
  const r = Bun.spawnSync([process.execPath, "-e", `import * as s from ${JSON.stringify(join(import.meta.dir, "index.ts"))}; const dir = ${JSON.stringify(dir)}; ${code}`], {
    env: { ...process.env },
    stderr: "pipe",
  });
  if (r.exitCode !== 0) throw new Error(`child failed: ${r.stderr.toString()}`);
  return r.stdout.toString().trim();
}

describe("activation lockout", () => {
  test("a fresh install starts unlocked at 0 and writes nothing", () => {
    expect(readLockState(dir)).toEqual({ failedAttempts: 0, locked: false, lastResetGeneration: 0 });
    expect(existsSync(sealedFile())).toBe(false);
    expect(existsSync(join(dir, "agent.db"))).toBe(false);
    assertNotLocked(dir);
  });

  test("5 failures lock, and every copy holds the count", () => {
    fail(MAX_FAILED_ACTIVATIONS - 1);
    expect(readLockState(dir)).toMatchObject({ failedAttempts: 4, locked: false });
    assertNotLocked(dir);
    const s = recordFailedActivation(dir, hub);
    expect(s).toMatchObject({ failedAttempts: 5, locked: true, hubUrl: hub.hubUrl, lastFailure: { reason: hub.reason } });
    expect(s.lockedAt).toBeString();
    expect(() => assertNotLocked(dir)).toThrow(AgentLockedError);
    const copies = inspectLockState(dir).copies;
    expect(copies.map((c) => c.status)).toEqual(["ok", "ok", "ok"]);
    expect(new Set(copies.map((c) => c.writeCounter)).size).toBe(1);
    expect(existsSync(outsideFile())).toBe(true);
  });

  test("the lock survives a restart: a separate process sees it and can add to it", () => {
    for (let i = 0; i < 3; i++) inChild(`s.recordFailedActivation(dir, ${JSON.stringify(hub)})`);
    expect(readLockState(dir).failedAttempts).toBe(3);
    fail(2);
    const child = JSON.parse(inChild("console.log(JSON.stringify(s.readLockState(dir)))"));
    expect(child).toMatchObject({ failedAttempts: 5, locked: true });
    const msg = inChild("try { s.assertNotLocked(dir); console.log('not locked') } catch (e) { console.log(e.name) }");
    expect(msg).toBe("AgentLockedError");
  });

  test("concurrent failures in separate processes all count", async () => {
    const code = `s.recordFailedActivation(${JSON.stringify(dir)}, ${JSON.stringify(hub)})`;
    const script = `import * as s from ${JSON.stringify(join(import.meta.dir, "index.ts"))}; ${code}`;
    const procs = Array.from({ length: 4 }, () => Bun.spawn([process.execPath, "-e", script], { env: { ...process.env }, stderr: "pipe" }));
    expect(await Promise.all(procs.map((p) => p.exited))).toEqual([0, 0, 0, 0]);
    expect(readLockState(dir).failedAttempts).toBe(4);
  });

  test("deleting identity.json, the sealed file or the database alone does not unlock", () => {
    activate();
    fail(5);
    rmSync(join(dir, "identity.json"));
    expect(readLockState(dir)).toMatchObject({ locked: true, failedAttempts: 5 });
    rmSync(sealedFile());
    expect(readLockState(dir)).toMatchObject({ locked: true, failedAttempts: 5 });
    expect(existsSync(sealedFile())).toBe(true); // restored from the other copies
    rmSync(join(dir, "agent.db"));
    rmSync(sealedFile());
    expect(readLockState(dir)).toMatchObject({ locked: true, failedAttempts: 5 });
    expect(readLockState(dir).tampered).toBeUndefined();
  });

  test("deleting the whole state folder keeps the lock through the copy outside it", () => {
    fail(5);
    const id = installId(dir);
    rmSync(dir, { recursive: true });
    // What `dca status` reads: the same install and lock, and the folder is not made again by looking.
    expect(peekLockState(dir)).toMatchObject({ installId: id, state: { locked: true, failedAttempts: 5 } });
    expect(existsSync(dir)).toBe(false);
    expect(readLockState(dir)).toMatchObject({ locked: true, failedAttempts: 5 });
  });

  test("peeking at a state folder that never existed finds nothing", () => {
    expect(existsSync(dir)).toBe(false);
    expect(peekLockState(join(dir, "never", "made"))).toBeUndefined();
    expect(existsSync(dir)).toBe(false);
  });

  test("every sealed copy gone while the identity or database remains is tampering", () => {
    activate();
    fail(1);
    rmSync(sealedFile());
    rmSync(outsideFile());
    new Database(join(dir, "agent.db")).run("DELETE FROM sealed_state");
    const s = readLockState(dir);
    expect(s.locked).toBe(true);
    expect(s.tampered).toContain("every sealed copy of the lock state is missing although identity.json exists");
    // The verdict is sealed in, so removing the identity now does not clear it.
    rmSync(join(dir, "identity.json"));
    expect(readLockState(dir).tampered).toBeString();
  });

  test("with every copy and the identity gone it is a fresh install (the hub still counts)", () => {
    fail(5);
    rmSync(dir, { recursive: true });
    rmSync(outsideSealDir(installId(dir)) as string, { recursive: true });
    expect(readLockState(dir)).toMatchObject({ failedAttempts: 0, locked: false });
  });

  test("an edited sealed file means tampered and locked, even below 5 failures", () => {
    fail(2);
    const box = readFileSync(sealedFile());
    box[box.length - 20] ^= 0x01;
    writeFileSync(sealedFile(), box);
    const s = readLockState(dir);
    expect(s).toMatchObject({ locked: true, failedAttempts: 2 });
    expect(s.tampered).toContain(`${sealedFile()} did not authenticate`);
    expect(() => assertNotLocked(dir)).toThrow(/failed verification/);
  });

  test("an edited database row, or a database that is not one, means tampered", () => {
    fail(1);
    const db = new Database(join(dir, "agent.db"));
    db.run("UPDATE sealed_state SET box = ?", [new Uint8Array(80).fill(7)]);
    db.close();
    expect(readLockState(dir).tampered).toContain("agent.db (sealed_state) did not authenticate");

    rmSync(root, { recursive: true });
    setup();
    fail(1);
    writeFileSync(join(dir, "agent.db"), "this is not a SQLite database, just text written over it by hand");
    expect(readLockState(dir).tampered).toContain("agent.db.corrupt did not authenticate");
    expect(readLockState(dir).locked).toBe(true);
  });

  test("a sealed copy restored from before the failures loses to the newer ones", () => {
    fail(1);
    const old = readFileSync(sealedFile());
    fail(4);
    writeFileSync(sealedFile(), old);
    expect(readLockState(dir)).toMatchObject({ failedAttempts: 5, locked: true });
    expect(readLockState(dir).tampered).toBeUndefined();
  });

  test("the state folder copied to another path does not open there", () => {
    activate();
    fail(2);
    const copy = join(root, "copied-state");
    cpSync(dir, copy, { recursive: true });
    expect(installId(copy)).not.toBe(installId(dir));
    const s = readLockState(copy);
    expect(s.locked).toBe(true);
    expect(s.tampered).toContain("did not authenticate");
    expect(readLockState(dir)).toMatchObject({ failedAttempts: 2, locked: false });
  });

  test("the same folder on another machine (other machine id) does not open", () => {
    fail(1);
    writeFileSync(machineFile, "aaaabbbbccccddddeeeeffff00001111\n");
    expect(readLockState(dir).tampered).toContain("did not authenticate");
  });

  test("a hub reset with a newer generation unlocks; the same generation does not", () => {
    fail(5);
    expect(applyHubReset(dir, { failedAttempts: 5, resetGeneration: 0 })).toMatchObject({ locked: true });
    const s = applyHubReset(dir, { failedAttempts: 0, resetGeneration: 1 });
    expect(s).toEqual({ failedAttempts: 0, locked: false, lastResetGeneration: 1, hubUrl: hub.hubUrl });
    assertNotLocked(dir);
    fail(5);
    expect(applyHubReset(dir, { failedAttempts: 0, resetGeneration: 1 })).toMatchObject({ locked: true, failedAttempts: 5 });
    expect(applyHubReset(dir, { failedAttempts: 0, resetGeneration: 2 }).locked).toBe(false);
    expect(inChild("console.log(JSON.stringify(s.readLockState(dir)))")).toContain('"lastResetGeneration":2');
  });

  test("a hub reset clears a tampered verdict; the hub's higher count is adopted", () => {
    fail(1);
    writeFileSync(sealedFile(), "edited");
    expect(readLockState(dir).locked).toBe(true);
    expect(applyHubReset(dir, { failedAttempts: 0, resetGeneration: 1 })).toEqual({ failedAttempts: 0, locked: false, lastResetGeneration: 1, hubUrl: hub.hubUrl });
    expect(applyHubReset(dir, { failedAttempts: 5, resetGeneration: 1 })).toMatchObject({ locked: true, failedAttempts: 5 });
  });

  test("success resets the count but cannot unlock", () => {
    fail(3);
    beginActivationAttempt(dir, hub);
    settleActivationAttempt(dir, "accepted");
    expect(readLockState(dir)).toMatchObject({ failedAttempts: 0, locked: false });
    fail(5);
    expect(() => settleActivationAttempt(dir, "accepted")).not.toThrow(); // nothing in flight: nothing to settle
    beginActivationAttempt(dir, hub);
    expect(() => settleActivationAttempt(dir, "accepted")).toThrow(AgentLockedError);
    expect(readLockState(dir).locked).toBe(true);
  });

  test("an attempt counts before the hub is asked: stopped while waiting, it stays counted", () => {
    fail(1);
    expect(beginActivationAttempt(dir, hub)).toMatchObject({ failedAttempts: 2, locked: false });
    // The process is killed here: a new one reads the attempt as failed.
    expect(readLockState(dir)).toMatchObject({ failedAttempts: 2, lastFailure: { reason: UNSETTLED_ATTEMPT } });
    beginActivationAttempt(dir, hub);
    expect(settleActivationAttempt(dir, "refused", "unknown code")).toMatchObject({ failedAttempts: 3, lastFailure: { reason: "unknown code" } });
    expect(readLockState(dir).attemptInFlight).toBeUndefined();
  });

  test("an attempt the hub never judged is given back; the 5th locks while it waits and unlocks if accepted", () => {
    fail(4);
    const before = readLockState(dir).lastFailure;
    expect(beginActivationAttempt(dir, hub)).toMatchObject({ failedAttempts: 5, locked: true });
    expect(settleActivationAttempt(dir, "not-counted")).toMatchObject({ failedAttempts: 4, locked: false, lastFailure: before });
    beginActivationAttempt(dir, hub);
    expect(settleActivationAttempt(dir, "accepted")).toMatchObject({ failedAttempts: 0, locked: false });
    fail(4);
    beginActivationAttempt(dir, hub);
    expect(settleActivationAttempt(dir, "refused", "expired code")).toMatchObject({ failedAttempts: 5, locked: true });
  });

  test("the locked message names the install id and both ways out", () => {
    fail(5);
    const id = installId(dir);
    try {
      assertNotLocked(dir);
      throw new Error("not locked");
    } catch (e) {
      expect(e).toBeInstanceOf(AgentLockedError);
      const msg = (e as Error).message;
      expect(msg).toContain("after 5 failed activation attempts");
      expect(msg).toContain(`Install id: ${id}`);
      expect(msg).toContain(`dca-hub install reset ${id}`);
      expect(msg).toContain("dca unlock");
      expect(msg).toContain("install dca afresh");
      expect((e as AgentLockedError).installId).toBe(id);
    }
  });

  test("sealed files are 0600 and their folders 0700", () => {
    fail(1);
    const mode = (p: string) => Bun.file(p).stat().then((s) => s.mode & 0o777);
    return Promise.all([mode(sealedFile()), mode(join(dir, "agent.db")), mode(outsideFile()), mode(dir), mode(join(outsideFile(), ".."))]).then((m) =>
      expect(m).toEqual([0o600, 0o600, 0o600, 0o700, 0o700]),
    );
  });
});
