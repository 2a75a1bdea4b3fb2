/**
 * Who may import whom (docs/architecture.md): src/agent and src/hub never
 * import each other, tests included; src/common imports only gen and
 * itself; src/gen only itself; shipped code never imports test code.
 * Read from the source text, so a new file cannot slip past.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { Glob } from "bun";

const ROOT = resolve(import.meta.dir, "../..");

/** Top-level rooms under src/ and what each may import besides itself and packages. */
const ALLOWED: Record<string, readonly string[]> = {
  "src/gen": [],
  "src/common": ["src/gen"],
  "src/agent": ["src/gen", "src/common"],
  "src/hub": ["src/gen", "src/common"],
};

const SPEC = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["'`]([^"'`]+)["'`]/g;

/** Relative import specifiers of a file, resolved to repo-relative paths. */
export function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(SPEC)) {
    const spec = m[1]!;
    if (spec.startsWith(".")) out.push(relative(ROOT, resolve(dirname(join(ROOT, file)), spec)));
    else if (spec.startsWith("/")) out.push(relative(ROOT, spec));
  }
  return out;
}

/** The room a repo path belongs to ("src/agent", "test", "node_modules"...). */
export function roomOf(path: string): string {
  const parts = path.split("/");
  return parts[0] === "src" ? `src/${parts[1]}` : parts[0]!;
}

/** Every rule a file breaks, as "file -> import (why)". */
export function violations(file: string, text: string): string[] {
  const room = roomOf(file);
  const allowed = ALLOWED[room];
  if (!allowed) return [];
  const isTest = /\.test\.tsx?$|\/testdata\//.test(file);
  const found: string[] = [];
  for (const target of importsOf(file, text)) {
    const to = roomOf(target);
    if (to === room || allowed.includes(to)) continue;
    if (to === "test" && isTest && room !== "src/gen") continue;
    found.push(`${file} -> ${target} (${room} may import ${[room, ...allowed].join(", ")}${isTest ? ", test" : ""})`);
  }
  return found;
}

const files = [...new Glob("src/**/*.{ts,tsx}").scanSync({ cwd: ROOT })].sort();

describe("import rules", () => {
  test("the rule itself catches each forbidden edge", () => {
    expect(violations("src/hub/x.ts", 'import { a } from "../agent/cli/args.ts";')).toHaveLength(1);
    expect(violations("src/agent/x.test.ts", 'const m = await import("../hub/store/index.ts");')).toHaveLength(1);
    expect(violations("src/common/x.ts", 'export { a } from "../agent/a.ts";')).toHaveLength(1);
    expect(violations("src/agent/x.ts", 'import "../../test/support/free-port.ts";')).toHaveLength(1);
    expect(violations("src/agent/x.test.ts", 'import { f } from "../../test/support/free-port.ts";')).toHaveLength(0);
    expect(violations("src/hub/x.ts", 'import { a } from "../common/args.ts";\nimport { b } from "../gen/dca/v1/x_pb.ts";')).toHaveLength(0);
  });

  test(`no file under src breaks them (${files.length} files)`, () => {
    expect(files.length).toBeGreaterThan(100);
    const broken = files.flatMap((f) => violations(f, readFileSync(join(ROOT, f), "utf8")));
    expect(broken).toEqual([]);
  });
});
