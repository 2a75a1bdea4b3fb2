/**
 * The Prometheus text exposition format, version 0.0.4: one HELP and TYPE
 * line per metric family, then its samples. Label values are escaped as the
 * format says (backslash, double quote, line feed), so a site named
 * `Acme "North"\` cannot break a line or forge a label.
 */

/** The content type of the format (what /metrics answers with). */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** One sample: its labels (in the order given) and value. */
export interface MetricSample {
  labels?: Readonly<Record<string, string>>;
  value: number;
}

/** A metric family: its name ([a-zA-Z_:][a-zA-Z0-9_:]*), help text, type and samples. */
export interface MetricFamily {
  name: string;
  help: string;
  type: "gauge" | "counter";
  samples: readonly MetricSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const escapeHelp = (s: string) => s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
const escapeLabel = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** A value as the format writes it (integers exactly, NaN and infinities by name). */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

/** The families as one exposition (a family without samples is left out). */
export function prometheusText(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    if (!NAME.test(f.name)) throw new Error(`"${f.name}" is not a Prometheus metric name`);
    if (f.samples.length === 0) continue;
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels ?? {});
      for (const [k] of labels) if (!LABEL.test(k) || k.startsWith("__")) throw new Error(`"${k}" is not a Prometheus label name`);
      const text = labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}` : "";
      lines.push(`${f.name}${text} ${formatValue(s.value)}`);
    }
  }
  return lines.length ? `${lines.join("\n")}\n` : "";
}
