import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { SECRET_FILE_MAX_BYTES, flag, listFlag, parseArgs, secretEnvName } from "./args.ts";
import { tempDir } from "../../test/support/temp-dir.ts";

const dir = tempDir("dca-args-");
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("secret options from a file or the environment", () => {
  test("--community-file gives one community per line; --v3-auth-file its single line", () => {
    const p = parseArgs(
      ["--community-file", file("c", "first\r\nsecond\n\n"), `--v3-auth-file=${file("a", "sha256:long-auth-pass\n")}`],
      ["community", "v3-auth", "port"],
      [],
      {},
    );
    expect(listFlag(p, "community")).toEqual(["first", "second"]);
    expect(flag(p, "v3-auth")).toBe("sha256:long-auth-pass");
    expect(p.fromEnv?.size).toBe(0);
  });

  test("the command line wins over the file, the file over the environment", () => {
    const env = { [secretEnvName("community")]: "from-env", DCA_V3_PRIV: "aes128:env-priv-pass" };
    const fromLine = parseArgs(["--community", "from-line", "--community-file", file("c2", "from-file\n")], ["community"], [], env);
    expect(listFlag(fromLine, "community")).toEqual(["from-line"]);
    const fromFile = parseArgs(["--community-file", file("c3", "from-file\n")], ["community"], [], env);
    expect(listFlag(fromFile, "community")).toEqual(["from-file"]);
    const fromEnv = parseArgs([], ["community", "v3-priv"], [], env);
    expect(listFlag(fromEnv, "community")).toEqual(["from-env"]);
    expect(flag(fromEnv, "v3-priv")).toBe("aes128:env-priv-pass");
    expect([...fromEnv.fromEnv!].sort()).toEqual(["community", "v3-priv"]);
  });

  test("only secret options a command takes have a -file form and an environment variable", () => {
    expect(() => parseArgs(["--port-file", "x"], ["port"], [], {})).toThrow("unknown option --port-file");
    expect(() => parseArgs(["--community-file", "x"], ["port"], [], {})).toThrow("unknown option --community-file");
    expect(flag(parseArgs([], ["port"], [], { DCA_PORT: "1161", DCA_COMMUNITY: "x" }), "port")).toBeUndefined();
    expect(() => parseArgs(["--nope"], ["community"], ["json"], {})).toThrow("(options: --community, --community-file, --json)");
  });

  test("an unreadable, empty or oversized file is a usage error naming the file, never its content", () => {
    expect(() => parseArgs(["--community-file", join(dir, "missing")], ["community"], [], {})).toThrow(`cannot read --community-file ${join(dir, "missing")}: no such file`);
    expect(() => parseArgs(["--community-file", dir], ["community"], [], {})).toThrow("it is a folder");
    expect(() => parseArgs(["--community-file", file("empty", "\n\n")], ["community"], [], {})).toThrow("is empty");
    const big = file("big", "s3cret-line\n".repeat(SECRET_FILE_MAX_BYTES / 8));
    let message = "";
    try {
      parseArgs(["--community-file", big], ["community"], [], {});
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(`more than ${SECRET_FILE_MAX_BYTES}`);
    expect(message).not.toContain("s3cret");
    expect(() => parseArgs(["--community-file"], ["community"], [], {})).toThrow("--community-file needs a file name");
  });
});
