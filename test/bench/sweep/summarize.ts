/**
 * Turns the per-round rows of run.sh ("row wall_s user_s sys_s maxrss_kb found read") into the
 * markdown table of the sweep benchmark: medians per row, the fewest responders found and read
 * in any round, and each dca row's wall-time ratio to onesixtyone's median from the same run.
 */
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { parseArgs } from "node:util";

const { values: v } = parseArgs({
  options: {
    rows: { type: "string" },
    mode: { type: "string" },
    responders: { type: "string" },
    slash8: { type: "string", default: "0" },
  },
  strict: true,
});
if (!v.rows) throw new Error("--rows is required");

interface Row {
  row: string;
  wall: number;
  cpu: number;
  rssMb: number;
  found: number;
  read: number;
}
const rows: Row[] = readFileSync(v.rows, "utf8")
  .trim()
  .split("\n")
  .map((line) => {
    const [row, wall, user, sys, rss, found, read] = line.trim().split(/\s+/);
    return { row, wall: Number(wall), cpu: Number(user) + Number(sys), rssMb: Number(rss) / 1024, found: Number(found), read: Number(read) };
  });

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const summary = (name: string) => {
  const r = rows.filter((x) => x.row === name);
  return {
    wall: median(r.map((x) => x.wall)),
    cpu: median(r.map((x) => x.cpu)),
    rss: median(r.map((x) => x.rssMb)),
    maxRss: Math.max(...r.map((x) => x.rssMb)),
    found: Math.min(...r.map((x) => x.found)),
    read: Math.min(...r.map((x) => x.read)),
    rounds: r.length,
  };
};

const COMMANDS: Record<string, string> = {
  onesixtyone: "`onesixtyone -c communities -i hosts -w 0` (find only)",
  issue: "`dca scan 127.10.0.0/16 --community public --timeout 1000 --retries 1 --json`",
  defaults: "`dca scan 127.10.0.0/16 --community public --json`",
  rate100k: "`dca scan 127.10.0.0/16 --community public --timeout 1000 --retries 1 --rate 100000 --json`",
};
const o161 = summary("onesixtyone");
const date = new Date().toISOString().slice(0, 10);
const out = [
  `### /16 sweep, ${v.mode} mode (${date}, ${cpus().length} cores, ${o161.rounds} rounds, medians)`,
  "",
  `127.10.0.0/16, ${v.responders} addresses answered by Debian's snmpd (one process), the rest ${v.mode === "icmp" ? "answering ICMP port unreachable" : "silent"}. ` +
    "found: answered SNMP (worst round); read: printers read (worst round); ratio: wall / onesixtyone's median wall.",
  "",
  "| row | command | wall s | ratio | CPU s (user+sys) | max RSS MB (median / worst) | found | read |",
  "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...Object.keys(COMMANDS).map((name) => {
    const s = summary(name);
    const ratio = name === "onesixtyone" ? "1" : (s.wall / o161.wall).toFixed(2);
    return `| ${name} | ${COMMANDS[name]} | ${s.wall.toFixed(2)} | ${ratio} | ${s.cpu.toFixed(2)} | ${s.rss.toFixed(1)} / ${s.maxRss.toFixed(1)} | ${s.found} | ${name === "onesixtyone" ? "-" : s.read} |`;
  }),
  "",
];
const slash8 = rows.find((r) => r.row === "slash8");
if (slash8) {
  const issue = summary("issue");
  out.push(
    `/8 memory row: \`dca scan 127.0.0.0/8 --community public --json\`, SIGINT after ${v.slash8} s: ` +
      `max RSS ${slash8.rssMb.toFixed(1)} MB (the /16 issue row: ${issue.maxRss.toFixed(1)} MB), CPU ${slash8.cpu.toFixed(2)} s, ${slash8.read} printers read.`,
    "",
  );
}
out.push(
  "Per round (row, wall s, CPU s, max RSS MB, found, read):",
  "",
  ...rows.map((r) => `    ${r.row.padEnd(11)} ${r.wall.toFixed(2)} ${r.cpu.toFixed(2)} ${r.rssMb.toFixed(1)} ${r.found} ${r.read}`),
  "",
);
console.log(out.join("\n"));
