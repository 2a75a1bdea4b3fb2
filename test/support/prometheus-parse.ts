/**
 * A strict reader of the Prometheus text format (0.0.4) for tests: every
 * line must be a comment (# HELP / # TYPE) or `name{labels} value`, label
 * values with only the format's escapes; anything else throws with the line.
 */

/** One sample as read back. */
export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"(,|$)/y;
const COMMENT = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/;

/** The samples of an exposition; throws on the first line that is not the format. */
export function parsePrometheus(text: string): ParsedSample[] {
  if (text !== "" && !text.endsWith("\n")) throw new Error("the exposition does not end with a line feed");
  const out: ParsedSample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n").slice(0, -1)) {
    const c = COMMENT.exec(line);
    if (c) {
      if (c[1] === "TYPE") {
        if (!["gauge", "counter", "histogram", "summary", "untyped"].includes(c[3]!)) throw new Error(`unknown type: ${line}`);
        types.set(c[2]!, c[3]!);
      }
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    if (m[2] !== undefined) {
      LABEL.lastIndex = 0;
      while (LABEL.lastIndex < m[2].length) {
        const l = LABEL.exec(m[2]);
        if (!l) throw new Error(`bad labels: ${JSON.stringify(line)}`);
        labels[l[1]!] = l[2]!.replace(/\\(\\|"|n)/g, (_, c: string) => (c === "n" ? "\n" : c));
      }
    }
    const value = m[3] === "+Inf" ? Infinity : m[3] === "-Inf" ? -Infinity : Number(m[3]);
    if (Number.isNaN(value) && m[3] !== "NaN") throw new Error(`bad value: ${JSON.stringify(line)}`);
    if (!types.has(m[1]!)) throw new Error(`sample before its TYPE line: ${JSON.stringify(line)}`);
    out.push({ name: m[1]!, labels, value });
  }
  return out;
}

/** The value of the one sample with this name and these labels (undefined when none). */
export function sampleValue(samples: ParsedSample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}
