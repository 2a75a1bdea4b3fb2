import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CounterKind } from "../../gen/dca/v1/reading_pb.ts";
import { coverageOf } from "./coverage.ts";
import type { Profile } from "./profile.ts";
import { vendorsMarkdown } from "./vendors-doc.ts";

test("docs/vendors.md is what the profiles say (run npm run gen:docs after changing a profile)", () => {
  const committed = readFileSync(join(import.meta.dir, "../../../docs/vendors.md"), "utf8");
  expect(committed).toBe(vendorsMarkdown());
});

test("coverage comes from every place a profile maps a meter", () => {
  const p: Profile = {
    id: "x",
    vendor: "X",
    counters: [{ oid: "1.2", kind: CounterKind.TOTAL, name: "t" }],
    counterTables: [{ entry: "1.3", valueColumn: 3, nameColumn: 4, kinds: { "copy b/w": CounterKind.COPY_MONO } }],
  };
  const c = coverageOf(p);
  expect(c.total).toBe(true);
  expect(c.monoColor).toBe(true);
  expect(c.perFunction).toEqual(["copy"]);
  expect(coverageOf({ id: "g", vendor: "" })).toMatchObject({ total: false, monoColor: false, perFunction: [] });
});
