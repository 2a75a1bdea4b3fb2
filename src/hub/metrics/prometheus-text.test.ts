/**
 * The text exposition format: HELP/TYPE lines, labels escaped so no value
 * can end a line or a label early, special values by name.
 */
import { describe, expect, test } from "bun:test";
import { formatValue, prometheusText } from "./prometheus-text.ts";

describe("prometheusText", () => {
  test("families with labels, escaped; empty families left out", () => {
    const text = prometheusText([
      { name: "dca_x", help: "A \\ help\nline.", type: "gauge", samples: [{ value: 1 }] },
      { name: "dca_y", help: "Per site.", type: "counter", samples: [{ labels: { site: 'Acme "North"\\\nB', site_id: "s1" }, value: 12345678901 }] },
      { name: "dca_empty", help: "Nothing.", type: "gauge", samples: [] },
    ]);
    expect(text).toBe(
      [
        "# HELP dca_x A \\\\ help\\nline.",
        "# TYPE dca_x gauge",
        "dca_x 1",
        "# HELP dca_y Per site.",
        "# TYPE dca_y counter",
        'dca_y{site="Acme \\"North\\"\\\\\\nB",site_id="s1"} 12345678901',
        "",
      ].join("\n"),
    );
    expect(prometheusText([])).toBe("");
  });

  test("values and names", () => {
    expect([formatValue(NaN), formatValue(Infinity), formatValue(-Infinity), formatValue(0.5), formatValue(-3)]).toEqual(["NaN", "+Inf", "-Inf", "0.5", "-3"]);
    expect(() => prometheusText([{ name: "bad-name", help: "", type: "gauge", samples: [{ value: 1 }] }])).toThrow("not a Prometheus metric name");
    expect(() => prometheusText([{ name: "ok", help: "", type: "gauge", samples: [{ labels: { __x: "1" }, value: 1 }] }])).toThrow("not a Prometheus label name");
  });
});
