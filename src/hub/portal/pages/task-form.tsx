/** @jsxImportSource hono/jsx */
/**
 * The forms that create a task, one per kind, for the site page (any
 * address of the site, and a scan) and a device's actions (its address
 * fixed): each posts to /tasks (tasks.tsx). The fields become the same Task
 * the `dca-hub task create` command builds (task-args.ts checks them the
 * same way; the hub checks again), never a file of the hub's: Zebra data
 * comes only from the text field.
 */
import type { Child } from "hono/jsx";
import type { ParsedArgs } from "../../../common/args.ts";
import { DcaError } from "../../../common/errors.ts";
import type { Task } from "../../../gen/dca/v1/agent_service_pb.ts";
import { buildTask } from "../../admin/task-args.ts";
import { CsrfField } from "../layout.tsx";
import type { PortalContext } from "../portal-context.ts";

/** The task kinds the forms offer, as `task create` names them. */
export const FORM_KINDS = ["ping", "traceroute", "read", "snmp-test", "web", "zebra", "scan"] as const;
export type FormKind = (typeof FORM_KINDS)[number];

const TITLES: Record<FormKind, string> = {
  ping: "Ping",
  traceroute: "Traceroute",
  read: "Read now",
  "snmp-test": "SNMP test",
  web: "Web probe",
  zebra: "Zebra label printer",
  scan: "Scan (discovery)",
};

const HELP: Record<FormKind, string> = {
  ping: "ICMP echo from the site's agent.",
  traceroute: "The hops from the site's agent to the address.",
  read: "Reads the device over SNMP now and stores the reading.",
  "snmp-test": "Tries each SNMP credential of the site; says which work (never a secret).",
  web: "Fetches the device's web pages (80, 443, 8000 unless given), with HP's LEDM supplies.",
  zebra: "Status and odometer, an SGD variable, or ZPL sent to a Zebra printer (raw port 9100, or LPR to send).",
  scan: "Discovery over the site's targets now, or only the targets given.",
};

const BUTTONS: Record<FormKind, string> = {
  ping: "Ping",
  traceroute: "Trace the route",
  read: "Read it now",
  "snmp-test": "Test the credentials",
  web: "Probe its web pages",
  zebra: "Run on the Zebra printer",
  scan: "Scan now",
};

/** Form fields and the `task create` flags they become. */
const FLAGS: Record<string, string> = {
  count: "count",
  timeout_ms: "timeout-ms",
  interval_ms: "interval-ms",
  max_hops: "max-hops",
  port: "port",
  queue: "queue",
  text: "text",
  ports: "ports",
  tls_ports: "tls-ports",
};

/** The flags' names as the forms label them, for the checks' messages. */
const LABELS: Record<string, string> = {
  "--count": "Count",
  "--timeout-ms": "Timeout (ms)",
  "--interval-ms": "Interval (ms)",
  "--max-hops": "Max hops",
  "--port": "Port",
  "--queue": "Queue",
  "--text": "Text",
  "--ports": "Ports",
  "--tls-ports": "TLS ports",
  "--lpr": "LPR",
  "--file F | ": "",
  "--file F or ": "",
};

/** The Task the posted fields ask for; a mistake is an invalid-argument error in the forms' words. */
export function taskFromForm(form: Record<string, string>): Task {
  const kind = form.kind ?? "";
  const positional = ["site", kind];
  if (kind === "scan") positional.push(...(form.targets ?? "").split(/[\s,]+/).filter(Boolean));
  else if (form.address) positional.push(form.address.trim());
  if (kind === "zebra") {
    positional.push(form.action || "read");
    if (form.action === "getvar" || form.action === "setvar") positional.push(form.name ?? "");
    if (form.action === "setvar") positional.push(form.value ?? "");
  }
  const flags = new Map<string, string[]>();
  for (const [f, flag] of Object.entries(FLAGS)) if (form[f]?.trim()) flags.set(flag, [form[f]!.trim()]);
  if (form.lpr === "1") flags.set("lpr", ["true"]);
  if (form.ledm === "1") flags.set("ledm", ["true"]);
  const p: ParsedArgs = { positional, flags };
  try {
    return buildTask(p);
  } catch (e) {
    const err = DcaError.from(e);
    let message = err.message.replace(/^usage: task create SITE /, "a Zebra task is ");
    for (const [flag, label] of Object.entries(LABELS)) message = message.replaceAll(flag, label);
    throw new DcaError("invalid-argument", message.replace(/\bADDRESS\b/g, "an address"));
  }
}

/** One input with its label. */
function Field(p: { id: string; name: string; label: string; hint?: string; type?: string; inputmode?: "numeric"; required?: boolean; value?: string }) {
  return (
    <div>
      <label for={p.id}>
        {p.label}
        {p.hint && <span class="hint"> {p.hint}</span>}
      </label>
      <input id={p.id} name={p.name} type={p.type ?? "text"} inputmode={p.inputmode} required={p.required} value={p.value} />
    </div>
  );
}

function KindFields(p: { kind: FormKind; id: (f: string) => string }): Child {
  const n = (name: string, label: string, hint: string) => <Field id={p.id(name)} name={name} label={label} hint={hint} inputmode="numeric" />;
  switch (p.kind) {
    case "ping":
      return (
        <>
          {n("count", "Count", "(1-100, default 4)")}
          {n("interval_ms", "Interval (ms)", "(default 1000)")}
          {n("timeout_ms", "Timeout (ms)", "(per reply, default 1000)")}
        </>
      );
    case "traceroute":
      return (
        <>
          {n("max_hops", "Max hops", "(1-64, default 30)")}
          {n("timeout_ms", "Timeout (ms)", "(per probe, default 1000)")}
        </>
      );
    case "web":
      return (
        <>
          <Field id={p.id("ports")} name="ports" label="Ports" hint="(comma-separated; default 80, 443, 8000)" />
          <Field id={p.id("tls_ports")} name="tls_ports" label="TLS ports" hint="(besides 443 and 8443)" />
          <div>
            <input id={p.id("ledm")} name="ledm" type="checkbox" value="1" /> <label for={p.id("ledm")} class="inline">Read HP's LEDM pages</label>
          </div>
        </>
      );
    case "zebra":
      return (
        <>
          <div>
            <label for={p.id("action")}>Action</label>
            <select id={p.id("action")} name="action">
              <option value="read">Read status and odometer</option>
              <option value="getvar">Get an SGD variable</option>
              <option value="setvar">Set an SGD variable</option>
              <option value="send">Send ZPL / EPL / SGD text</option>
            </select>
          </div>
          <Field id={p.id("name")} name="name" label="SGD variable" hint="(get and set, e.g. device.friendly_name)" />
          <Field id={p.id("value")} name="value" label="Value" hint="(set)" />
          <div>
            <label for={p.id("text")}>
              Text to send <span class="hint">(send)</span>
            </label>
            <textarea id={p.id("text")} name="text" rows={3}></textarea>
          </div>
          <div>
            <input id={p.id("lpr")} name="lpr" type="checkbox" value="1" /> <label for={p.id("lpr")} class="inline">Send over LPR instead of the raw port</label>
          </div>
          <Field id={p.id("queue")} name="queue" label="LPR queue" hint="(default zebra)" />
          {n("port", "Port", "(default 9100 raw, 515 LPR)")}
        </>
      );
    case "scan":
      return <Field id={p.id("targets")} name="targets" label="Targets" hint="(optional: addresses, ranges, CIDR blocks inside the site's targets; empty scans all of them)" />;
    default:
      return <></>;
  }
}

/** The task forms: for `address` only (a device's actions) or for any address of the site, with a scan. */
export function TaskForms(p: { portal: PortalContext; site: string; address?: string; prefix: string; kinds?: readonly FormKind[] }): Child {
  const kinds = (p.kinds ?? FORM_KINDS).filter((k) => !(p.address && k === "scan"));
  return (
    <div class="task-forms">
      {kinds.map((kind) => {
        const id = (f: string) => `${p.prefix}-${kind}-${f}`;
        return (
          <details class="task-kind" data-kind={kind}>
            <summary>{TITLES[kind]}</summary>
            <form class="stack" method="post" action="/tasks">
              <CsrfField portal={p.portal} />
              <input type="hidden" name="site" value={p.site} />
              <input type="hidden" name="kind" value={kind} />
              <p class="hint">{HELP[kind]}</p>
              {kind !== "scan" &&
                (p.address ? (
                  <input type="hidden" name="address" value={p.address} />
                ) : (
                  <Field id={id("address")} name="address" label="Address" hint="(one address inside the site's targets, or a known device's)" required />
                ))}
              <KindFields kind={kind} id={id} />
              <div>
                <button type="submit">{BUTTONS[kind]}</button>
              </div>
            </form>
          </details>
        );
      })}
    </div>
  );
}
