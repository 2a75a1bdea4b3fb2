/** Writes the role table into docs/security.md between its markers (src/hub/access/role-table.ts). */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AdminService } from "../src/gen/dca/v1/admin_service_pb.ts";
import { roleTableMarkdown } from "../src/hub/access/role-table.ts";

const path = join(import.meta.dir, "..", "docs", "security.md");
const [begin, end] = ["<!-- role-table:begin (npm run gen:docs) -->", "<!-- role-table:end -->"];
const text = readFileSync(path, "utf8");
const a = text.indexOf(begin);
const b = text.indexOf(end);
if (a < 0 || b < a) throw new Error(`docs/security.md has no ${begin} ... ${end} markers`);
writeFileSync(path, `${text.slice(0, a + begin.length)}\n${roleTableMarkdown(AdminService.methods)}${text.slice(b)}`);
console.log(`wrote the role table into ${path}`);
