/**
 * Where a JSON text stops being JSON, since JavaScriptCore's JSON.parse
 * does not say ("Property name must be a string literal", no position): a
 * small recursive-descent scan of the grammar (RFC 8259) that stops at the
 * first character that cannot continue a valid text. Used only after
 * JSON.parse has failed, to point a person at the line and column.
 */

/** 1-based line and column of the first offending character (the end of the text for a truncated one). */
export interface TextPosition {
  line: number;
  column: number;
}

class Stop {
  constructor(readonly at: number) {}
}

/** Where `text` stops being JSON; undefined when it is valid JSON. */
export function jsonErrorAt(text: string): TextPosition | undefined {
  let i = 0;
  const fail = (): never => {
    throw new Stop(i);
  };
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const expect = (c: string) => (text[i] === c ? i++ : fail());
  const string = () => {
    expect('"');
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail();
      if (text[i] === "\\") {
        i++;
        if (text[i] === "u") {
          i++;
          for (let k = 0; k < 4; k++) (/[0-9a-fA-F]/.test(text[i] ?? "") ? i++ : fail());
        } else if ('"\\/bfnrt'.includes(text[i] ?? "x")) i++;
        else fail();
      } else i++;
    }
    expect('"');
  };
  const digits = () => {
    if (!/[0-9]/.test(text[i] ?? "")) fail();
    while (/[0-9]/.test(text[i] ?? "")) i++;
  };
  const number = () => {
    if (text[i] === "-") i++;
    if (text[i] === "0") i++;
    else digits();
    if (text[i] === ".") (i++, digits());
    if (text[i] === "e" || text[i] === "E") {
      i++;
      if (text[i] === "+" || text[i] === "-") i++;
      digits();
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") return members("}", () => (string(), ws(), expect(":"), value()));
    if (c === "[") return members("]", value);
    if (c === '"') return string();
    for (const word of ["true", "false", "null"]) {
      if (c === word[0]) {
        for (const ch of word) expect(ch);
        return;
      }
    }
    if (c === "-" || /[0-9]/.test(c ?? "")) return number();
    fail();
  };
  const members = (close: string, member: () => void) => {
    i++;
    ws();
    if (text[i] === close) return void i++;
    for (;;) {
      ws();
      member();
      ws();
      if (text[i] === ",") i++;
      else return void expect(close);
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return undefined;
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    const before = text.slice(0, e.at).split("\n");
    return { line: before.length, column: before.at(-1)!.length + 1 };
  }
}
