/**
 * Collects per-recording results of a fixture suite and prints one table at the end:
 * how many recordings dca reads fully right, and what went wrong for the others.
 */

export interface ScoreRow {
  name: string;
  failures: string[];
}

export interface Scoreboard {
  record(name: string, failures: readonly string[]): void;
  rows(): readonly ScoreRow[];
  /** The table as text; `maxPerRow` failures are listed per recording. */
  render(maxPerRow?: number): string;
}

export function createScoreboard(title: string): Scoreboard {
  const rows: ScoreRow[] = [];
  return {
    record(name, failures) {
      rows.push({ name, failures: [...failures] });
    },
    rows: () => rows,
    render(maxPerRow = 6) {
      const right = rows.filter((r) => r.failures.length === 0).length;
      const width = Math.max(9, ...rows.map((r) => r.name.length));
      const out = [`== ${title}: ${right}/${rows.length} recordings fully right`];
      for (const r of [...rows].sort((a, b) => a.name.localeCompare(b.name))) {
        const verdict = r.failures.length === 0 ? "ok" : `${r.failures.length} failed`;
        out.push(`  ${r.name.padEnd(width)}  ${verdict}`);
        for (const f of r.failures.slice(0, maxPerRow)) out.push(`  ${"".padEnd(width)}    - ${f}`);
        if (r.failures.length > maxPerRow) out.push(`  ${"".padEnd(width)}    … ${r.failures.length - maxPerRow} more`);
      }
      return out.join("\n");
    },
  };
}
