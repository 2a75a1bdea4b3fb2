import { describe, expect, test } from "bun:test";
import { XmlError, childText, findFirst, parseXml } from "./xml-parse.ts";

function refused(xml: string, limits = {}): string {
  try {
    parseXml(xml, limits);
  } catch (e) {
    expect(e).toBeInstanceOf(XmlError);
    return (e as Error).message;
  }
  throw new Error(`accepted: ${xml.slice(0, 80)}`);
}

describe("parseXml", () => {
  test("prefixes dropped, predefined entities and character references decoded, CDATA kept, comments and PIs skipped", () => {
    const doc = parseXml(
      `\ufeff<?xml version="1.0"?><!-- c --><ccdyn:Root xmlns:ccdyn="urn:x" dd:a='1 &amp; 2'><dd:K>a &lt; b &#x41;&#66;</dd:K><e/><![CDATA[<raw>&amp;]]><?pi x?></ccdyn:Root>`,
    );
    expect(doc.name).toBe("Root");
    expect(doc.attrs).toEqual({ ccdyn: "urn:x", a: "1 & 2" });
    expect(doc.children.map((c) => c.name)).toEqual(["K", "e"]);
    expect(childText(doc, "K")).toBe("a < b AB");
    expect(doc.text).toBe("<raw>&amp;");
  });

  test("findFirst searches depth-first in document order; childText follows direct children only", () => {
    const doc = parseXml("<a><b><c>deep</c></b><c>shallow</c></a>");
    expect(findFirst(doc, "c")?.text).toBe("deep");
    expect(childText(doc, "c")).toBe("shallow");
    expect(childText(doc, "b", "c")).toBe("deep");
    expect(childText(doc, "x", "c")).toBeUndefined();
  });

  test("no DOCTYPE, so no entity definitions (billion laughs, external entities)", () => {
    expect(refused(`<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><r>&b;</r>`)).toContain("DOCTYPE");
    expect(refused(`<!DOCTYPE r SYSTEM "file:///etc/passwd"><r/>`)).toContain("DOCTYPE");
    expect(refused("<r>&nbsp;</r>")).toContain("unknown entity &nbsp;");
    expect(refused("<r>a & b</r>")).toContain("bare '&'");
    expect(refused("<r>&#0;</r>")).toContain("not an XML character");
    expect(refused("<r>&#x110000;</r>")).toContain("not an XML character");
  });

  test("malformed documents fail with a position", () => {
    expect(refused("")).toContain("no root element");
    expect(refused("<a>")).toContain("document ends inside <a>");
    expect(refused("<a></b>")).toContain("</b> closes <a>");
    expect(refused("</a>")).toContain("without an opening tag");
    expect(refused("<a/><b/>")).toContain("second root");
    expect(refused("junk<a/>")).toContain("text outside the root");
    expect(refused("<a b=c/>")).toContain("not quoted");
    expect(refused('<a b="x<y"/>')).toContain("'<' in the value");
    expect(refused("<a><!-- never closed </a>")).toContain("unterminated comment");
    expect(refused("<a>")).toMatch(/at character \d+/);
  });

  test("size, depth, element and attribute bounds", () => {
    expect(refused("<a>" + "x".repeat(100) + "</a>", { maxChars: 50 })).toContain("more than the 50 allowed");
    expect(refused("<a>".repeat(65) + "</a>".repeat(65))).toContain("nested deeper than 64");
    expect(parseXml("<a>".repeat(64) + "</a>".repeat(64)).name).toBe("a");
    expect(refused(`<r>${"<e/>".repeat(11)}</r>`, { maxElements: 10 })).toContain("more than 10 elements");
    const attrs = Array.from({ length: 65 }, (_, i) => `a${i}="1"`).join(" ");
    expect(refused(`<r ${attrs}/>`)).toContain("more than 64 attributes");
    expect(refused(`<${"n".repeat(300)}/>`)).toContain("longer than 256");
  });

  test("a hostile input of every byte never throws anything but XmlError", () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const alphabet = ["<", ">", "/", "&", ";", "#", "x", "a", ":", "=", '"', "'", "!", "?", "[", "]", "-", " ", "\u0000"];
    for (let n = 0; n < 2000; n++) {
      const s = Array.from({ length: 1 + Math.floor(rnd() * 40) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join("");
      try {
        parseXml(s);
      } catch (e) {
        if (!(e instanceof XmlError)) throw new Error(`${JSON.stringify(s)} threw ${e}`);
      }
    }
  });
});
