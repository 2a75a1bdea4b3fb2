/**
 * A small XML parser for printer pages (HP LEDM). A printer's XML is
 * untrusted, so this one is strict and bounded: no DOCTYPE (hence no
 * entity definitions, no external fetches, no billion laughs), only the
 * five predefined entities and character references, limits on size,
 * depth, element count and attributes. Namespace prefixes are dropped:
 * `<dd:TotalImpressions>` is `TotalImpressions`, as HPLIP reads it.
 * Anything it does not accept is an XmlError with a position, never a crash.
 */
import { DcaError } from "../../common/errors.ts";

/** One element: local name, attributes by local name, children, and its own text (trimmed). */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** Bounds on one document. */
export interface XmlLimits {
  /** Characters in the document (default 1 MiB). */
  maxChars?: number;
  /** Nesting depth (default 64). */
  maxDepth?: number;
  /** Elements in all (default 50,000). */
  maxElements?: number;
  /** Attributes on one element (default 64). */
  maxAttributes?: number;
}

/** Why a document was refused (`malformed`), with the character offset where it went wrong. */
export class XmlError extends DcaError {
  override name = "XmlError";
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super("malformed", `${message} (at character ${offset})`);
  }
}

const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
const NAME = /[A-Za-z_:][-A-Za-z0-9_.:\u00b7\u00c0-\uffff]*/y;
const MAX_NAME = 256;

function localName(qname: string): string {
  const colon = qname.lastIndexOf(":");
  return colon >= 0 ? qname.slice(colon + 1) : qname;
}

/** Replaces the five predefined entities and character references; anything else is an error. */
function decodeEntities(raw: string, at: number): string {
  if (!raw.includes("&")) return raw;
  return raw.replace(/&([^;&\s]{0,32});?/g, (whole, ref: string, offset: number) => {
    if (!whole.endsWith(";")) throw new XmlError("a bare '&' (write &amp;)", at + offset);
    if (ref in PREDEFINED) return PREDEFINED[ref];
    const m = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(ref);
    if (!m) throw new XmlError(`unknown entity &${ref.slice(0, 32)}; (only the five XML entities are accepted)`, at + offset);
    const code = m[1] !== undefined ? Number.parseInt(m[1], 16) : Number(m[2]);
    const allowed = code === 9 || code === 10 || code === 13 || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0x10ffff && code !== 0xfffe && code !== 0xffff);
    if (!allowed) throw new XmlError(`character reference &${ref}; is not an XML character`, at + offset);
    return String.fromCodePoint(code);
  });
}

/** Parses one document into its root element. Throws XmlError. */
export function parseXml(xml: string, limits: XmlLimits = {}): XmlElement {
  const maxChars = limits.maxChars ?? 1024 * 1024;
  const maxDepth = limits.maxDepth ?? 64;
  const maxElements = limits.maxElements ?? 50_000;
  const maxAttributes = limits.maxAttributes ?? 64;
  if (xml.length > maxChars) throw new XmlError(`document is ${xml.length} characters, more than the ${maxChars} allowed`, maxChars);

  let i = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  const stack: { el: XmlElement; qname: string; text: string[] }[] = [];
  let root: XmlElement | undefined;
  let count = 0;

  const readName = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(xml);
    if (!m) throw new XmlError("expected a name", i);
    if (m[0].length > MAX_NAME) throw new XmlError(`a name longer than ${MAX_NAME} characters`, i);
    i += m[0].length;
    return m[0];
  };
  const skipSpace = () => {
    while (i < xml.length && /\s/.test(xml[i])) i++;
  };
  const expectEnd = (token: string, what: string): number => {
    const end = xml.indexOf(token, i);
    if (end < 0) throw new XmlError(`unterminated ${what}`, i);
    return end;
  };

  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    const textEnd = lt < 0 ? xml.length : lt;
    if (textEnd > i) {
      const raw = xml.slice(i, textEnd);
      if (stack.length > 0) stack[stack.length - 1].text.push(decodeEntities(raw, i));
      else if (raw.trim() !== "") throw new XmlError("text outside the root element", i);
      i = textEnd;
      if (lt < 0) break;
    }
    // i is at "<"
    if (xml.startsWith("<!--", i)) {
      i = expectEnd("-->", "comment") + 3;
    } else if (xml.startsWith("<![CDATA[", i)) {
      if (stack.length === 0) throw new XmlError("CDATA outside the root element", i);
      const start = i + 9;
      i = expectEnd("]]>", "CDATA section");
      stack[stack.length - 1].text.push(xml.slice(start, i));
      i += 3;
    } else if (xml.startsWith("<!", i)) {
      throw new XmlError("DOCTYPE and other declarations are not accepted", i);
    } else if (xml.startsWith("<?", i)) {
      i = expectEnd("?>", "processing instruction") + 2;
    } else if (xml.startsWith("</", i)) {
      i += 2;
      const qname = readName();
      skipSpace();
      if (xml[i] !== ">") throw new XmlError(`expected '>' to close </${qname}`, i);
      i++;
      const open = stack.pop();
      if (!open) throw new XmlError(`closing tag </${qname}> without an opening tag`, i);
      if (open.qname !== qname) throw new XmlError(`</${qname}> closes <${open.qname}>`, i);
      open.el.text = open.text.join("").trim();
    } else {
      i++;
      const qname = readName();
      if (++count > maxElements) throw new XmlError(`more than ${maxElements} elements`, i);
      if (stack.length >= maxDepth) throw new XmlError(`elements nested deeper than ${maxDepth}`, i);
      if (root && stack.length === 0) throw new XmlError("a second root element", i);
      const el: XmlElement = { name: localName(qname), attrs: {}, children: [], text: "" };
      let attrCount = 0;
      for (;;) {
        const before = i;
        skipSpace();
        if (xml.startsWith("/>", i) || xml[i] === ">") break;
        if (i === before) throw new XmlError(`expected a space, '>' or '/>' in <${qname}>`, i);
        const attr = readName();
        skipSpace();
        if (xml[i] !== "=") throw new XmlError(`attribute ${attr} has no value`, i);
        i++;
        skipSpace();
        const quote = xml[i];
        if (quote !== '"' && quote !== "'") throw new XmlError(`attribute ${attr} value is not quoted`, i);
        const end = xml.indexOf(quote, i + 1);
        if (end < 0) throw new XmlError(`unterminated value of attribute ${attr}`, i);
        const value = xml.slice(i + 1, end);
        if (value.includes("<")) throw new XmlError(`'<' in the value of attribute ${attr}`, i);
        if (++attrCount > maxAttributes) throw new XmlError(`more than ${maxAttributes} attributes on <${qname}>`, i);
        el.attrs[localName(attr)] = decodeEntities(value, i + 1);
        i = end + 1;
      }
      const parent = stack[stack.length - 1];
      if (parent) parent.el.children.push(el);
      else root = el;
      if (xml[i] === "/") {
        i += 2;
      } else {
        i++;
        stack.push({ el, qname, text: [] });
      }
    }
  }
  if (stack.length > 0) throw new XmlError(`document ends inside <${stack[stack.length - 1].qname}>`, xml.length);
  if (!root) throw new XmlError("no root element", xml.length);
  return root;
}

/** Direct children named `name` (local name). */
export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

/** The first direct child named `name`. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

/** The text of the element reached by following `path` through direct children; undefined when absent. */
export function childText(el: XmlElement | undefined, ...path: string[]): string | undefined {
  let cur = el;
  for (const p of path) cur = child(cur, p);
  return cur?.text;
}

/** The first element named `name` at any depth (document order), the element itself included. */
export function findFirst(el: XmlElement, name: string): XmlElement | undefined {
  if (el.name === name) return el;
  for (const c of el.children) {
    const hit = findFirst(c, name);
    if (hit) return hit;
  }
  return undefined;
}
