/** Writes docs/vendors.md from the profiles. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { vendorsMarkdown } from "../src/agent/profiles/vendors-doc.ts";

const path = join(import.meta.dir, "..", "docs", "vendors.md");
writeFileSync(path, vendorsMarkdown());
console.log(`wrote ${path}`);
