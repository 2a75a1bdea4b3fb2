/** RFC 4515 escaping of what people type, filter templates, and RFC 4514 DNs taken apart for comparing. */
import { describe, expect, test } from "bun:test";
import { FilterParser } from "ldapts";
import { checkFilterTemplate, dnKey, escapeFilterValue, fillFilter, parseDn } from "./ldap-filter.ts";

describe("escapeFilterValue and fillFilter", () => {
  test("the five specials of RFC 4515 are escaped, everything else kept", () => {
    expect(escapeFilterValue("*)(uid=*")).toBe("\\2a\\29\\28uid=\\2a");
    expect(escapeFilterValue("a\\b\u0000c")).toBe("a\\5cb\\00c");
    expect(escapeFilterValue("Jürgen O'Neil = ok")).toBe("Jürgen O'Neil = ok");
  });

  test("every placeholder is filled; unknown ones stay", () => {
    expect(fillFilter("(|(sAMAccountName={username})(uid={username}))", { username: "a*" })).toBe("(|(sAMAccountName=a\\2a)(uid=a\\2a))");
    expect(fillFilter("(member={dn})", { username: "x" })).toBe("(member={dn})");
  });

  test("an injected username stays one equality match on the parsed filter", () => {
    const filter = FilterParser.parseString(fillFilter("(uid={username})", { username: "*)(|(objectClass=*)" }));
    expect(filter.constructor.name).toBe("EqualityFilter");
    expect((filter as unknown as { value: string }).value).toBe("*)(|(objectClass=*)");
  });
});

describe("checkFilterTemplate", () => {
  test("accepts usual filters, names what is wrong with others", () => {
    expect(checkFilterTemplate("(&(objectClass=person)(|(uid={username})(mail={username})))", "{username}")).toBeUndefined();
    expect(checkFilterTemplate("(uid=x)", "{username}")).toBe("must contain {username}");
    expect(checkFilterTemplate("(uid={username})(cn=x)", "{username}")).toBe("must be one filter in parentheses; join several with (&...) or (|...)");
    expect(checkFilterTemplate("(&(uid={username})", "{username}")).toBe("has unbalanced parentheses");
    expect(checkFilterTemplate("(uid={username}", "{username}")).toBe("must be one filter in parentheses, as in (uid={username})");
    expect(checkFilterTemplate("(uid={username}))(", "{username}")).toMatch(/^must be one filter|unbalanced/);
    expect(checkFilterTemplate("(&)(uid={username})", "{username}")).toMatch(/^must be one filter/);
    expect(checkFilterTemplate("(=(uid={username}))", "{username}")).toMatch(/^is not a valid LDAP filter/);
  });
});

describe("parseDn and dnKey", () => {
  test("RDNs with escapes undone", () => {
    expect(parseDn("CN=Smith\\, John,OU=Sales,DC=corp")).toEqual([
      { type: "cn", value: "Smith, John" },
      { type: "ou", value: "Sales" },
      { type: "dc", value: "corp" },
    ]);
    expect(parseDn("cn=J\\C3\\BCrgen,dc=x")?.[0].value).toBe("Jürgen");
    expect(parseDn("cn=Dave (Ops)*,ou=people")?.[0].value).toBe("Dave (Ops)*");
    expect(parseDn("not a dn")).toBeUndefined();
    expect(parseDn("cn=a,,dc=x")).toBeUndefined();
  });

  test("one key for every spelling of a DN, distinct keys for DNs that differ", () => {
    expect(dnKey("CN=Print Admins, OU=Groups,DC=Corp")).toBe(dnKey("cn=print admins,ou=groups,dc=corp"));
    expect(dnKey("cn=a\\,ou=b,dc=x")).not.toBe(dnKey("cn=a,ou=b,dc=x"));
  });
});
