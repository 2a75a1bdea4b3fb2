/**
 * becomeFolderOwner in a child process (it changes the process for good): run as root on
 * a folder owned by `nobody`, the child writes as nobody with nobody's group; on a folder
 * root owns it stays root. Needs root; skipped otherwise.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const isRoot = process.getuid?.() === 0;
const dir = mkdtempSync(join(tmpdir(), "dca-folder-owner-"));
const NOBODY = 65534;
// The user it becomes must reach the folder through this one.
chmodSync(dir, 0o755);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs becomeFolderOwner(folder) in a child, which then makes a file there and prints whom it ran as. */
function inChild(folder: string) {
  const script = `
    const { becomeFolderOwner } = await import(${JSON.stringify(join(import.meta.dir, "folder-owner.ts"))});
    const switched = becomeFolderOwner(${JSON.stringify(folder)});
    const fs = require("node:fs");
    if (fs.existsSync(${JSON.stringify(folder)})) fs.writeFileSync(${JSON.stringify(join(folder, "made"))}, "x");
    console.log(JSON.stringify({ switched, uid: process.getuid(), gid: process.getgid(), groups: process.getgroups(), home: process.env.HOME }));`;
  const r = Bun.spawnSync([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(r.stderr.toString());
  return JSON.parse(r.stdout.toString());
}

describe.skipIf(!isRoot)("becomeFolderOwner, run by root", () => {
  test("on a folder another user owns: becomes that user and group, and what it makes is theirs", () => {
    const theirs = join(dir, "theirs");
    mkdirSync(theirs);
    chownSync(theirs, NOBODY, NOBODY);
    const r = inChild(theirs);
    expect(r).toMatchObject({ uid: NOBODY, gid: NOBODY, switched: { uid: NOBODY, gid: NOBODY } });
    expect(r.groups).not.toContain(0);
    expect(statSync(join(theirs, "made")).uid).toBe(NOBODY);
  });

  test("on a folder root owns, or one that does not exist: stays root", () => {
    const mine = join(dir, "mine");
    mkdirSync(mine);
    const r = inChild(mine);
    expect(r.uid).toBe(0);
    expect(r.switched).toBeUndefined();
    expect(statSync(join(mine, "made")).uid).toBe(0);
    const missing = inChild(join(dir, "missing"));
    expect(missing.uid).toBe(0);
    expect(missing.switched).toBeUndefined();
  });
});
