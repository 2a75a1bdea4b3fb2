/**
 * The role table of docs/security.md ("Who may call what"), made from the
 * rules themselves, and read back by the role matrix test
 * (test/in-process/role-matrix.test.ts), which calls every method as every
 * role on its own site and on another and checks the answer against it.
 */
import { METHOD_RULES, type AdminMethod } from "./method-rules.ts";
import { GLOBAL_PERMISSIONS, ROLES, ROLE_PERMISSIONS, type Role } from "./roles.ts";

/** What one role may do with one method. */
export type Cell = "anyone" | "own account" | "sites" | "hub" | "no";

/** The cell of `role` for `method`. */
export function cellOf(method: AdminMethod, role: Role): Cell {
  const rule = METHOD_RULES[method];
  if (rule.kind === "open") return "anyone";
  if (rule.kind === "self") return "own account";
  if (!ROLE_PERMISSIONS[role].has(rule.permission)) return "no";
  return rule.kind === "global" || GLOBAL_PERMISSIONS.has(rule.permission) ? "hub" : "sites";
}

const SYMBOL: Record<Cell, string> = { anyone: "anyone", "own account": "own", sites: "✓ sites", hub: "✓ hub", no: "—" };

/** The markdown table, one row per method in the proto's order. */
export function roleTableMarkdown(methods: readonly { localName: string; name: string }[]): string {
  const head = `| Method | ${ROLES.join(" | ")} | needs | audited |\n|---|${ROLES.map(() => "---").join("|")}|---|---|\n`;
  const rows = methods.map((m) => {
    const name = m.localName as AdminMethod;
    const rule = METHOD_RULES[name];
    const needs = rule.kind === "open" ? "no sign-in" : rule.kind === "self" ? (rule.tokens ? "any sign-in or token" : "a signed-in session") : `\`${rule.permission}\``;
    const audited = rule.audit === "change" ? "every call" : rule.audit === "read" ? "every call (sensitive read)" : rule.kind === "open" ? "failures" : "refusals";
    return `| ${m.name} | ${ROLES.map((r) => SYMBOL[cellOf(name, r)]).join(" | ")} | ${needs} | ${audited} |`;
  });
  return head + rows.join("\n") + "\n";
}

/** Reads a table written by roleTableMarkdown back: method name -> role -> cell. */
export function parseRoleTable(markdown: string): Map<string, Map<Role, Cell>> {
  const back = new Map(Object.entries(SYMBOL).map(([cell, sym]) => [sym, cell as Cell]));
  const out = new Map<string, Map<Role, Cell>>();
  for (const line of markdown.split("\n")) {
    const cols = line.split("|").map((c) => c.trim());
    if (cols.length < ROLES.length + 3 || cols[1] === "Method" || cols[1]!.startsWith("---")) continue;
    const cells = new Map<Role, Cell>();
    ROLES.forEach((r, i) => {
      const cell = back.get(cols[i + 2]!);
      if (cell) cells.set(r, cell);
    });
    if (cells.size === ROLES.length) out.set(cols[1]!, cells);
  }
  return out;
}
