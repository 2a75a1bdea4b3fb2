import { describe, expect, test } from "bun:test";
import { HOSTILE_SERVER, HOSTILE_TITLE } from "../../../test/sim/web/web-simulator.ts";
import { MAX_TITLE, decodeBody, decodeHtmlEntities, extractTitle, safeText, stripTerminalEscapes } from "./html-title.ts";

describe("extractTitle", () => {
  test("entities decoded, whitespace folded, attributes on <title> allowed", () => {
    expect(extractTitle('<html><head><TITLE lang="en">\n  HP LaserJet&nbsp;M404 &#8211; &quot;Front&quot; &amp; co\n</title>')).toBe(
      'HP LaserJet M404 – "Front" & co',
    );
    expect(extractTitle("<title>&unknown; &#x263A;</title>")).toBe("&unknown; ☺");
    expect(extractTitle("<html><body>no title</body></html>")).toBe("");
  });

  test("terminal escapes removed whole, control characters stripped, bounded to 200", () => {
    const t = extractTitle(`<title>${HOSTILE_TITLE}</title>`);
    expect(t.startsWith("HP LaserJet M404n <b>XXX")).toBe(true);
    expect(t).not.toMatch(/[\u0000-\u001f\u007f-\u009f]|\[31m|\[2J|owned/);
    expect(t.length).toBe(MAX_TITLE);
  });

  test("a title cut by the body bound shows its beginning", () => {
    expect(extractTitle("<title>Printer st")).toBe("Printer st");
  });

  test("escapes written as character references are removed whole too", () => {
    expect(extractTitle("<title>&#27;[31mred&#x1b;]0;x&#7;</title>")).toBe("red");
  });
});

test("stripTerminalEscapes and safeText", () => {
  expect(stripTerminalEscapes("a\u001b[1;31mb\u001b[0mc\u009b2Jd\u001b]2;title\u0007e\u001b]8;;http://x\u001b\\f\u001bMg")).toBe("abcdefg");
  expect(safeText(HOSTILE_SERVER, 256)).toBe("Generic EWS");
});

test("decodeEntities leaves bad references alone", () => {
  expect(decodeHtmlEntities("&#xD800;&#0;&amp")).toBe("&amp");
});

test("decodeBody: UTF-8, Latin-1 by header, Latin-1 when not UTF-8", () => {
  expect(decodeBody(new Uint8Array([0xc3, 0xa9]))).toBe("é");
  expect(decodeBody(new Uint8Array([0xc3, 0xa9]), "text/html; charset=ISO-8859-1")).toBe("Ã©");
  expect(decodeBody(new Uint8Array([0x44, 0xe9]))).toBe("Dé");
});
