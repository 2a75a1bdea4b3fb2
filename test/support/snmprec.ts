/**
 * Reads snmpsim `.snmprec` recordings (`OID|TYPE|VALUE` per line) so tests can state
 * facts from the recording itself, for example which Printer-MIB rows exist.
 */
import { readFileSync } from "node:fs";

/** One recorded object; `text` is the value as a string (hex types decoded). */
export interface SnmprecEntry {
  oid: string;
  type: string;
  text: string;
}

function decodeHex(hex: string): string {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return new TextDecoder("utf-8", { fatal: false }).decode(bytes);
}

/** Parses recording text; lines that are not `OID|TYPE|VALUE` are skipped. */
export function parseSnmprec(text: string): SnmprecEntry[] {
  const entries: SnmprecEntry[] = [];
  for (const line of text.split(/\r?\n/)) {
    const first = line.indexOf("|");
    const second = line.indexOf("|", first + 1);
    if (first < 0 || second < 0) continue;
    const oid = line.slice(0, first).replace(/^\./, "");
    const type = line.slice(first + 1, second);
    const raw = line.slice(second + 1);
    const text = type.endsWith("x") && /^([0-9a-fA-F]{2})*$/.test(raw) ? decodeHex(raw) : raw;
    entries.push({ oid, type, text });
  }
  return entries;
}

export function readSnmprec(path: string): SnmprecEntry[] {
  return parseSnmprec(readFileSync(path, "utf8"));
}

/** The value at exactly `oid`, if recorded. */
export function valueAt(entries: readonly SnmprecEntry[], oid: string): string | undefined {
  return entries.find((e) => e.oid === oid)?.text;
}

/**
 * Rows of a conceptual table under `entryOid` (the `...Entry` OID): row index (the OID
 * suffix after the column, e.g. "1.3") → column number → value text.
 */
export function tableRows(entries: readonly SnmprecEntry[], entryOid: string): Map<string, Map<number, string>> {
  const rows = new Map<string, Map<number, string>>();
  const prefix = `${entryOid}.`;
  for (const e of entries) {
    if (!e.oid.startsWith(prefix)) continue;
    const rest = e.oid.slice(prefix.length);
    const dot = rest.indexOf(".");
    if (dot < 0) continue;
    const column = Number(rest.slice(0, dot));
    const index = rest.slice(dot + 1);
    if (!rows.has(index)) rows.set(index, new Map());
    rows.get(index)?.set(column, e.text);
  }
  return rows;
}
