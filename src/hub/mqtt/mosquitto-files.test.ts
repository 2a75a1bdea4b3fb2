// The `mqtt` commands that write these files are tested in src/hub/admin/mqtt-commands.test.ts.
import { describe, expect, test } from "bun:test";
import { hubUserProblem, renderAclFile, renderPasswordFile } from "./mosquitto-files.ts";
import { mosquittoHash } from "./mosquitto-passwd.ts";

const HASH_A = mosquittoHash("secret-a");
const HASH_B = mosquittoHash("secret-b");

describe("renderPasswordFile", () => {
  test("lists agents after the hub user, drops stale agents, keeps other users", () => {
    const existing = ["# operator's note", "alice:$7$101$x$y", "agt_gone:$7$101$x$y", "dca-hub:$7$old", ""].join("\n");
    const f = renderPasswordFile(
      [
        { agentId: "agt_a", hash: HASH_A },
        { agentId: "agt_b", hash: HASH_B },
      ],
      { existing, hub: { user: "dca-hub", hash: "$7$hub" } },
    );
    expect(f.text).toBe(`# operator's note\nalice:$7$101$x$y\ndca-hub:$7$hub\nagt_a:${HASH_A}\nagt_b:${HASH_B}\n`);
    expect(f).toMatchObject({ agents: 2, kept: 1, skipped: [] });
  });

  test("without a hub user the existing hub line stays", () => {
    const f = renderPasswordFile([{ agentId: "agt_a", hash: HASH_A }], { existing: "dca-hub:$7$keep\n" });
    expect(f.text).toBe(`dca-hub:$7$keep\nagt_a:${HASH_A}\n`);
  });

  test("leaves out rows that would break the file or that mosquitto would drop", () => {
    const f = renderPasswordFile([
      { agentId: "agt_ok", hash: HASH_A },
      { agentId: "agt_bad\nroot", hash: HASH_A },
      { agentId: "agt_old", hash: "$6$abc$def" },
    ]);
    expect(f.text).toBe(`agt_ok:${HASH_A}\n`);
    expect(f.skipped).toEqual(["agt_bad\nroot", "agt_old"]);
  });

  test("an empty fleet makes an empty file", () => {
    expect(renderPasswordFile([]).text).toBe("");
  });
});

describe("renderAclFile", () => {
  test("the hub writes every wake topic, each agent reads its own", () => {
    const acl = renderAclFile("hub1");
    expect(acl).toContain("user hub1\ntopic write dca/agents/+/wake\n");
    expect(acl).toContain("\npattern read dca/agents/%u/wake\n");
    expect(acl).not.toMatch(/readwrite|#\s*$|topic read/m);
  });

  test("refuses user names that would break the files or pass for an agent", () => {
    for (const bad of ["", "a b", "a:b", "agt_x", "x\ny", "x".repeat(65)]) {
      expect(hubUserProblem(bad)).toBeString();
      expect(() => renderAclFile(bad)).toThrow();
    }
    expect(hubUserProblem("dca-hub")).toBeUndefined();
    expect(hubUserProblem("hub@example.com")).toBeUndefined();
  });
});
