/**
 * Turns the per-round rows of run.sh ("tool wall_s user_s sys_s maxrss_kb found")
 * into the markdown table of the sweep benchmark: medians per tool, the fewest
 * responders found in any round, and the wall-time ratio.
 */
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { parseArgs } from "node:util";

const { values: v } = parseArgs({
  options: {
    rows: { type: "string" },
    mode: { type: "string" },
    responders: { type: "string" },
    rate: { type: "string" },
    timeout: { type: "string" },
    retries: { type: "string" },
    sim: { type: "string", default: "{}" },
  },
  strict: true,
});
if (!v.rows) throw new Error("--rows is required");

interface Row {
  tool: string;
  wall: number;
  cpu: number;
  rssMb: number;
  found: number;
}
const rows: Row[] = readFileSync(v.rows, "utf8")
  .trim()
  .split("\n")
  .map((line) => {
    const [tool, wall, user, sys, rss, found] = line.trim().split(/\s+/);
    return { tool, wall: Number(wall), cpu: Number(user) + Number(sys), rssMb: Number(rss) / 1024, found: Number(found) };
  });

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const summary = (tool: string) => {
  const r = rows.filter((x) => x.tool === tool);
  return {
    wall: median(r.map((x) => x.wall)),
    cpu: median(r.map((x) => x.cpu)),
    rss: median(r.map((x) => x.rssMb)),
    found: Math.min(...r.map((x) => x.found)),
    rounds: r.length,
  };
};
const dca = summary("dca");
const o161 = summary("onesixtyone");
const date = new Date().toISOString().slice(0, 10);

const out = [
  `### /16 sweep, ${v.mode} mode (${date}, ${cpus().length} cores, ${dca.rounds} rounds, medians)`,
  "",
  `65,536 addresses 127.77.0.0-127.77.255.255, ${v.responders} answering (fleet simulator); dca: timeout ${v.timeout} ms, ` +
    `${v.retries} retry, ${v.rate} packets/s; onesixtyone: -w 0, no retry, waits 5 s at the end.`,
  "",
  "| tool | wall s | CPU s (user+sys) | max RSS MB | found (worst round) |",
  "| --- | ---: | ---: | ---: | ---: |",
  ...[["dca", dca] as const, ["onesixtyone", o161] as const].map(
    ([name, s]) => `| ${name} | ${s.wall.toFixed(2)} | ${s.cpu.toFixed(2)} | ${s.rss.toFixed(1)} | ${s.found}/${v.responders} |`,
  ),
  "",
  `Ratios dca/onesixtyone: wall ${(dca.wall / o161.wall).toFixed(2)}, CPU ${(dca.cpu / o161.cpu).toFixed(2)}, RSS ${(dca.rss / o161.rss).toFixed(1)}.`,
  "",
  "Per round (tool, wall s, CPU s, max RSS MB, found):",
  "",
  ...rows.map((r) => `    ${r.tool.padEnd(11)} ${r.wall.toFixed(2)} ${r.cpu.toFixed(2)} ${r.rssMb.toFixed(1)} ${r.found}`),
  "",
  `Simulator totals: \`${v.sim}\``,
  "",
];
console.log(out.join("\n"));
