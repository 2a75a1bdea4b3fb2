/**
 * The packages' manual pages, made from the executables' own --help texts, so that
 * `man dca` and `dca --help` never disagree and nothing is written twice.
 */
import { HELP } from "../../src/agent/cli/help.ts";
import { HUB_HELP } from "../../src/hub/cli/help.ts";
import { ADMIN_HELP } from "../../src/hub/admin/admin-help.ts";
import { VERSION } from "../../src/common/version.ts";

/** The agent's commands, in the order of `dca --help`. */
const AGENT_COMMANDS = ["read", "scan", "activate", "run", "status", "unlock", "doctor"];

/** Text shown as it is: roff escapes for backslashes and for lines roff would read as requests. */
function literal(text: string): string {
  const lines = text
    .replace(/\\/g, "\\e")
    .split("\n")
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line));
  return `.nf\n${lines.join("\n")}\n.fi`;
}

function page(name: string, summary: string, sections: [string, string][], seeAlso: string): string {
  const date = new Date().toISOString().slice(0, 10);
  const body = sections.map(([title, text]) => `.SH ${title}\n${literal(text.trimEnd())}`).join("\n");
  return `.TH ${name.toUpperCase()} 1 "${date}" "${name} ${VERSION}" "User Commands"
.SH NAME
${name.replace(/-/g, "\\-")} \\- ${summary}
${body}
.SH FILES
${name === "dca" ? "/var/lib/dca, the packaged service's state folder; /etc/default/dca" : "/var/lib/dca\\-hub, the packaged hub's data folder; /etc/default/dca\\-hub"}
.SH SEE ALSO
${seeAlso}, /usr/share/doc/${name}/README.Debian
`;
}

/** The roff source of `man 1 NAME` for the package NAME. */
export function manPage(name: "dca" | "dca-hub"): string {
  if (name === "dca") {
    const sections: [string, string][] = [["DESCRIPTION", HELP.main], ...AGENT_COMMANDS.map((c): [string, string] => [`COMMAND: ${c.toUpperCase()}`, HELP[c]])];
    return page("dca", "print-fleet data collection agent", sections, ".BR dca\\-hub (1)");
  }
  return page("dca-hub", "print-fleet data collection hub", [["DESCRIPTION", HUB_HELP], ["ADMIN COMMANDS", ADMIN_HELP]], ".BR dca (1)");
}
