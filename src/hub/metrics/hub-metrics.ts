/**
 * What the hub's /metrics says: the hub (up, version, uptime), readings
 * (held, received in the last minute), agents (active, connected), their
 * outboxes, devices and tasks, hub-wide and per site. Pure: the handler
 * gathers a snapshot from the store, this names it.
 */
import type { MetricFamily } from "./prometheus-text.ts";

/** One site's figures. */
export interface SiteMetrics {
  siteId: string;
  siteName: string;
  devices: number;
  devicesMissed: number;
  devicesError: number;
  suppliesLow: number;
  agents: number;
  agentsConnected: number;
  outboxDepth: number;
  tasksPending: number;
  tasksSent: number;
  tasksRunning: number;
}

/** Everything one scrape reports. */
export interface HubMetricsSnapshot {
  version: string;
  uptimeSeconds: number;
  readingsHeld: number;
  readingsLastMinute: number;
  sites: readonly SiteMetrics[];
}

const sum = (sites: readonly SiteMetrics[], f: (s: SiteMetrics) => number) => sites.reduce((n, s) => n + f(s), 0);

/** The metric families of a snapshot. */
export function hubMetricFamilies(m: HubMetricsSnapshot): MetricFamily[] {
  const perSite = (name: string, help: string, f: (s: SiteMetrics) => number): MetricFamily => ({
    name,
    help,
    type: "gauge",
    samples: m.sites.map((s) => ({ labels: { site_id: s.siteId, site: s.siteName }, value: f(s) })),
  });
  const hub = (name: string, help: string, value: number, type: MetricFamily["type"] = "gauge"): MetricFamily => ({ name, help, type, samples: [{ value }] });
  return [
    hub("dca_hub_up", "1 while the hub answers (its store is open and readable).", 1),
    { name: "dca_hub_info", help: "The hub's version, as a label.", type: "gauge", samples: [{ labels: { version: m.version }, value: 1 }] },
    hub("dca_hub_uptime_seconds", "Seconds since the hub started.", Math.floor(m.uptimeSeconds)),
    hub("dca_hub_readings_total", "Readings the hub holds (it only adds them; rate() of this is readings received).", m.readingsHeld, "counter"),
    hub("dca_hub_readings_last_minute", "Readings received in the last 60 seconds.", m.readingsLastMinute),
    hub("dca_hub_sites", "Sites.", m.sites.length),
    hub("dca_hub_agents", "Agents neither disabled nor replaced.", sum(m.sites, (s) => s.agents)),
    hub("dca_hub_agents_connected", "Of those, agents that polled within max(15 min, 3 poll intervals).", sum(m.sites, (s) => s.agentsConnected)),
    hub("dca_hub_outbox_readings", "Readings waiting in the agents' outboxes, as their last polls said.", sum(m.sites, (s) => s.outboxDepth)),
    hub("dca_hub_devices", "Devices.", sum(m.sites, (s) => s.devices)),
    hub("dca_hub_tasks_queued", "Tasks no agent has taken yet.", sum(m.sites, (s) => s.tasksPending)),
    perSite("dca_site_devices", "Devices of the site.", (s) => s.devices),
    perSite("dca_site_devices_missed", "Devices not read for max(24 h, 2 read intervals).", (s) => s.devicesMissed),
    perSite("dca_site_devices_error", "Devices whose newest reading says down.", (s) => s.devicesError),
    perSite("dca_site_supplies_low", "Devices with a supply at or below 10 %, or low, empty or full.", (s) => s.suppliesLow),
    perSite("dca_site_agents", "Agents of the site neither disabled nor replaced.", (s) => s.agents),
    perSite("dca_site_agents_connected", "Agents of the site that polled within max(15 min, 3 poll intervals).", (s) => s.agentsConnected),
    perSite("dca_site_outbox_readings", "Readings waiting in the site's agents' outboxes.", (s) => s.outboxDepth),
    {
      name: "dca_site_tasks",
      help: "Unfinished tasks of the site: pending (queued), sent to an agent, running.",
      type: "gauge",
      samples: m.sites.flatMap((s) =>
        (["pending", "sent", "running"] as const).map((state) => ({
          labels: { site_id: s.siteId, site: s.siteName, state },
          value: state === "pending" ? s.tasksPending : state === "sent" ? s.tasksSent : s.tasksRunning,
        })),
      ),
    },
  ];
}
