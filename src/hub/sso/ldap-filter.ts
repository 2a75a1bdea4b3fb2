/**
 * LDAP search filters with a person's input in them. Whatever someone types
 * as a username goes into the filter escaped as RFC 4515 asks, so "*" or
 * ")(uid=*" is a literal value that matches nobody, never filter syntax. The
 * same holds for a DN put into a group filter: a DN may contain "(", ")" or
 * "*" ("cn=Dave (Ops),...").
 */
import { FilterParser } from "ldapts";

/** The characters RFC 4515 section 3 requires escaped in an assertion value. */
const SPECIALS = /[\\*()\u0000]/g;

/** `value` as an RFC 4515 assertion value: "\" "*" "(" ")" and NUL as \5c \2a \28 \29 \00; everything else as it is (UTF-8). */
export function escapeFilterValue(value: string): string {
  return value.replace(SPECIALS, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** The template with every `{name}` replaced by the escaped value of `values[name]`; other braces are left alone. */
export function fillFilter(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? escapeFilterValue(values[name]) : whole));
}

/**
 * Why a filter template cannot be used, or undefined when it can: it must
 * hold `placeholder`, be one parenthesised filter and parse once a value is
 * put in (a typo found when the config is saved, not at the first sign-in).
 */
export function checkFilterTemplate(template: string, placeholder: string): string | undefined {
  if (!template.includes(placeholder)) return `must contain ${placeholder}`;
  if (!template.startsWith("(") || !template.endsWith(")")) return "must be one filter in parentheses, as in (uid={username})";
  let depth = 0;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === "\\") i++;
    else if (c === "(") depth++;
    else if (c === ")" && --depth <= 0) {
      if (depth < 0) return "has unbalanced parentheses";
      // Closed before the end: "(a)(b)" is two filters, and a server would read only the first.
      if (i < template.length - 1) return "must be one filter in parentheses; join several with (&...) or (|...)";
    }
  }
  if (depth !== 0) return "has unbalanced parentheses";
  const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const sample = Object.fromEntries(names.map((n) => [n, "sample(value)*"]));
  try {
    FilterParser.parseString(fillFilter(template, sample));
  } catch (e) {
    return `is not a valid LDAP filter (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`;
  }
  return undefined;
}

/** One RDN of a DN: its attribute type (lower case) and its value, unescaped. */
export interface Rdn {
  type: string;
  value: string;
}

/**
 * The RDNs of an RFC 4514 DN string, outermost last: "cn=Print Admins,ou=Groups"
 * gives [{cn, Print Admins}, {ou, Groups}]. Escapes ("\,", "\2C") are undone;
 * multi-valued RDNs ("+") are kept whole in the value. Undefined for text that
 * is not a DN.
 */
export function parseDn(dn: string): Rdn[] | undefined {
  const rdns: Rdn[] = [];
  let part = "";
  const flush = (): boolean => {
    const eq = part.indexOf("=");
    if (eq <= 0) return false;
    rdns.push({ type: part.slice(0, eq).trim().toLowerCase(), value: unescapeDnValue(part.slice(eq + 1).trim()) });
    part = "";
    return true;
  };
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i];
    if (c === "\\" && i + 1 < dn.length) {
      part += c + dn[++i];
    } else if (c === ",") {
      if (!flush()) return undefined;
    } else {
      part += c;
    }
  }
  return flush() ? rdns : undefined;
}

function unescapeDnValue(value: string): string {
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < value.length; i++) {
    const hex = value[i] === "\\" ? /^[0-9a-f]{2}/i.exec(value.slice(i + 1, i + 3)) : null;
    if (hex) {
      bytes.push(parseInt(hex[0], 16));
      i += 2;
    } else {
      const c = value[i] === "\\" ? value[++i] : value[i];
      if (c !== undefined) bytes.push(...enc.encode(c));
    }
  }
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

/** A DN as a key for comparing: RDNs unescaped, types and values lower-cased, spaces around separators gone. */
export function dnKey(dn: string): string | undefined {
  const rdns = parseDn(dn);
  // JSON, not "type=value,...": an unescaped value may itself hold "," or "=".
  return rdns && JSON.stringify(rdns.map((r) => [r.type, r.value.toLowerCase()]));
}
