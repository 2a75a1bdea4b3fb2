import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError } from "@connectrpc/connect";
import { connectCodeOf, errorCodeOfConnect } from "./connect-code.ts";
import { DcaError, ERROR_CODES, type ErrorCode, thrownParts } from "./errors.ts";
import { EXIT_CODES, exitCodeOf } from "./exit-codes.ts";

const dir = mkdtempSync(join(tmpdir(), "dca-errors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What `f` threw. */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("nothing was thrown");
}

describe("DcaError.from", () => {
  test("a DcaError stays the same object, code, reason and cause", () => {
    const cause = new Error("below");
    const e = new DcaError("not-found", "unknown site", { cause, reason: "site" });
    expect(DcaError.from(e)).toBe(e);
    expect(e).toMatchObject({ code: "not-found", reason: "site", cause, message: "unknown site", name: "DcaError" });
    expect(new DcaError("internal", "x")).not.toHaveProperty("reason");
  });

  test("a Node system error is sorted by its errno name, keeps its words and says what to do", () => {
    const missing = join(dir, "nowhere", "file.txt");
    const errno = thrown(() => readFileSync(missing));
    const e = DcaError.from(errno);
    expect(e.code).toBe("not-found");
    expect(e.message).toContain(missing);
    expect(e.message).toEndWith("; check the path");
    expect(e.cause).toBe(errno);
    const notADir = join(dir, "plain");
    writeFileSync(notADir, "x");
    expect(DcaError.from(thrown(() => readFileSync(join(notADir, "x")))).code).toBe("failed-precondition");
    for (const [code, want] of [["EACCES", "permission-denied"], ["ENOSPC", "resource-exhausted"], ["EADDRINUSE", "unavailable"], ["ECONNREFUSED", "unavailable"], ["ETIMEDOUT", "deadline-exceeded"]] as const) {
      expect(DcaError.from(Object.assign(new Error(`${code}: failed`), { code })).code).toBe(want);
    }
  });

  test("an SQLite error is sorted by its result code, extended codes included", () => {
    const junk = join(dir, "junk.db");
    writeFileSync(junk, "not a database, only text long enough to be read as a header ".repeat(20));
    const notADb = thrown(() => new Database(junk).query("SELECT 1 FROM sqlite_schema").all());
    expect(thrownParts(notADb).code).toBe("SQLITE_NOTADB");
    const e = DcaError.from(notADb);
    expect(e).toMatchObject({ code: "data-loss", cause: notADb });
    expect(e.message).toContain("move it aside");

    const db = new Database(":memory:");
    db.run("CREATE TABLE t (name TEXT UNIQUE)");
    db.run("INSERT INTO t VALUES ('a')");
    const unique = thrown(() => db.run("INSERT INTO t VALUES ('a')"));
    expect(thrownParts(unique).code).toBe("SQLITE_CONSTRAINT_UNIQUE");
    expect(DcaError.from(unique).code).toBe("already-exists");
    expect(DcaError.from(thrown(() => db.run("SELECT * FROM nothing_here"))).code).toBe("internal");
    db.close();
    for (const [code, want] of [["SQLITE_BUSY_SNAPSHOT", "unavailable"], ["SQLITE_CORRUPT_INDEX", "data-loss"], ["SQLITE_FULL", "resource-exhausted"], ["SQLITE_READONLY", "permission-denied"]] as const) {
      expect(DcaError.from(Object.assign(new Error("x"), { code })).code).toBe(want);
    }
  });

  test("a string, a bare object and a bug become internal, on one line, with a pointer to report it", () => {
    const s = DcaError.from("something odd");
    expect(s).toMatchObject({ code: "internal", cause: "something odd" });
    expect(s.message).toStartWith("something odd; this is a bug in dca");
    expect(DcaError.from({ weird: true }).message).toStartWith("[object Object]; ");
    const bug = DcaError.from(new TypeError("x is not a function\n    at somewhere"));
    expect(bug.code).toBe("internal");
    expect(bug.message).not.toContain("\n");
    expect(bug.message).toStartWith("x is not a function at somewhere; ");
    expect(DcaError.from(undefined).message).toStartWith("undefined; ");
  });

  test("an abort, a timeout and a ConnectError keep what they mean", () => {
    expect(DcaError.from(new DOMException("stopped", "AbortError")).code).toBe("canceled");
    expect(DcaError.from(new DOMException("slow", "TimeoutError")).code).toBe("deadline-exceeded");
    const c = new ConnectError("agent credential missing or not valid", Code.Unauthenticated);
    expect(DcaError.from(c)).toMatchObject({ code: "unauthenticated", message: "agent credential missing or not valid", cause: c });
  });
});

describe("the mappings are total over the closed set", () => {
  test("every code has an exit code: 2 for usage and configuration, 3 for locked, 1 for the rest", () => {
    const byExit: Record<number, ErrorCode[]> = {};
    for (const code of ERROR_CODES) (byExit[exitCodeOf(code)] ??= []).push(code);
    expect(byExit[2]).toEqual(["usage", "invalid-argument", "invalid-config"]);
    expect(byExit[3]).toEqual(["locked"]);
    expect(byExit[1]).toHaveLength(ERROR_CODES.length - 4);
    expect(Object.keys(byExit).sort()).toEqual(["1", "2", "3"]);
    // 4 and 5 are no error's: "dca doctor" ran and a check failed (EXIT_DOCTOR_FAILED); a release
    // build failed its own integrity check (INTEGRITY_EXIT).
    expect(EXIT_CODES.map((r) => r.exit)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  test("every code has a Connect code, and every Connect code one of ours", () => {
    for (const code of ERROR_CODES) expect(Code[connectCodeOf(code)]).toBeString();
    const connectCodes = Object.values(Code).filter((c): c is Code => typeof c === "number");
    expect(connectCodes).toHaveLength(16);
    for (const c of connectCodes) expect(ERROR_CODES).toContain(errorCodeOfConnect(c));
    // The codes that name a Connect code go there and back unchanged.
    const direct = ERROR_CODES.filter((code) => !["usage", "invalid-config", "locked", "malformed"].includes(code));
    for (const code of direct) expect(errorCodeOfConnect(connectCodeOf(code))).toBe(code);
    expect(connectCodeOf("locked")).toBe(Code.FailedPrecondition);
    expect(connectCodeOf("usage")).toBe(Code.InvalidArgument);
  });
});
