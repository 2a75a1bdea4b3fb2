import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "./args.ts";
import { ConfigError } from "./config/index.ts";
import { DcaError } from "./errors.ts";
import { EXIT_CODES, exitCodesHelp } from "./exit-codes.ts";
import { reportFailure } from "./report-failure.ts";

/** What reportFailure wrote and returned for `e`. */
function report(e: unknown, env: Record<string, string> = {}): { exit: number; text: string } {
  let text = "";
  const exit = reportFailure(e, { prefix: "dca read", usage: '(see "dca read --help")', write: (s) => (text += s), env });
  return { exit, text };
}

describe("reportFailure", () => {
  test("a usage or configuration error: the line, the pointer to the usage, exit 2", () => {
    expect(report(new UsageError("unknown option --comunity"))).toEqual({ exit: 2, text: 'dca read: unknown option --comunity\n(see "dca read --help")\n' });
    expect(report(new ConfigError("invalid configuration in x.toml:\n  snmp.port: too big")).exit).toBe(2);
    expect(report(new DcaError("invalid-argument", "bad target")).text).toEndWith('(see "dca read --help")\n');
  });

  test("a failure: one line, no pointer, exit 1; locked exits 3", () => {
    expect(report(new DcaError("unavailable", "10.0.0.7 did not answer SNMP (public: no response)"))).toEqual({
      exit: 1,
      text: "dca read: 10.0.0.7 did not answer SNMP (public: no response)\n",
    });
    expect(report(new DcaError("locked", "dca is locked")).exit).toBe(3);
  });

  test("a system error or a bug is wrapped: one line saying what to do, no stack unless DCA_DEBUG", () => {
    const errno = Object.assign(new Error("EACCES: permission denied, open '/var/lib/dca/outbox.db'"), { code: "EACCES" });
    const r = report(errno);
    expect(r.exit).toBe(1);
    expect(r.text.trimEnd().split("\n")).toEqual([
      "dca read: EACCES: permission denied, open '/var/lib/dca/outbox.db'; check the owner and permissions of the file or folder, or run as the user that owns it",
    ]);
    const bug = report(new TypeError("cannot read properties of undefined"));
    expect(bug.text).not.toContain("    at ");
    expect(bug.text).toContain("this is a bug in dca");
    const debug = report(new TypeError("cannot read properties of undefined"), { DCA_DEBUG: "1" });
    expect(debug.text).toContain("TypeError: cannot read properties of undefined\n    at ");
  });
});

describe("the exit codes are written down once", () => {
  test("the README's table and --help follow EXIT_CODES", () => {
    const readme = readFileSync(join(import.meta.dir, "../../README.md"), "utf8");
    for (const { exit, meaning } of EXIT_CODES) expect(readme).toContain(`| ${exit} | ${meaning} |`);
    expect(exitCodesHelp([0, 1, 2])).toBe(`Exit codes:\n${EXIT_CODES.slice(0, 3).map((r) => `  ${r.exit}  ${r.meaning}`).join("\n")}\n`);
  });
});
