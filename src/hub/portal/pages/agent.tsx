/** @jsxImportSource hono/jsx */
/**
 * One agent's page (/agents/:id): GetAgent as the signed-in person (its
 * version, last poll, wake line, outbox, last error, update status, SSH key
 * fingerprint), and disabling or enabling it (SetAgentDisabled: a disabled
 * agent's calls are refused and its MQTT connection cut).
 */
import type { Agent } from "../../../gen/dca/v1/admin_fleet_pb.ts";
import { CsrfField, Layout, Notice } from "../layout.tsx";
import { field, type PageResult } from "../page.ts";
import type { PortalCtx } from "../portal-context.ts";
import { attempt } from "./attempt.ts";
import { AgentFacts } from "./site-agents.tsx";

function AgentPage(p: { c: PortalCtx; agent: Agent; ok?: string; error?: string }) {
  const portal = p.c.get("portal");
  const a = p.agent;
  return (
    <Layout portal={portal} title={`Agent ${a.hostname || a.id}`} path="/sites">
      <p class="crumbs">
        <a href="/sites">Sites</a> / <a href={`/sites/${encodeURIComponent(a.siteId)}#agents`}>{a.siteName || a.siteId}</a>
      </p>
      <h1>Agent {a.hostname || a.id}</h1>
      {p.ok && <Notice kind="ok">{p.ok}</Notice>}
      {p.error && <Notice kind="error">{p.error}</Notice>}
      <section class="card" aria-labelledby="agent-h">
        <h2 id="agent-h">Facts</h2>
        <AgentFacts a={a} now={Date.now()} />
      </section>
      {!a.replacedBy && (
        <form method="post" action={`/agents/${encodeURIComponent(a.id)}/disabled`}>
          <CsrfField portal={portal} />
          <input type="hidden" name="disabled" value={a.disabled ? "0" : "1"} />
          <button type="submit" class={a.disabled ? undefined : "danger"}>
            {a.disabled ? "Enable this agent" : "Disable this agent"}
          </button>
          <span class="hint"> {a.disabled ? "Its calls are accepted again." : "Its calls are refused from now on, and its wake line is cut."}</span>
        </form>
      )}
    </Layout>
  );
}

/** GET /agents/:id */
export async function getAgentPage(c: PortalCtx): Promise<PageResult> {
  const { agent } = await c.get("portal").api.getAgent({ agent: c.req.param("id") ?? "" });
  return <AgentPage c={c} agent={agent!} />;
}

/** POST /agents/:id/disabled */
export async function postAgentDisabled(c: PortalCtx): Promise<PageResult> {
  const api = c.get("portal").api;
  const id = c.req.param("id") ?? "";
  const disabled = (await field(c, "disabled")) === "1";
  const r = await attempt(() => api.setAgentDisabled({ agent: id, disabled }));
  if (r.ok) return <AgentPage c={c} agent={r.value.agent!} ok={disabled ? "Agent disabled: its calls are refused from now on." : "Agent enabled."} />;
  const { agent } = await api.getAgent({ agent: id });
  return c.html(<AgentPage c={c} agent={agent!} error={r.message} />, r.status);
}
