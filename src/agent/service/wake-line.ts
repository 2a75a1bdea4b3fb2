/**
 * The MQTT wake-up line as the service sees it: started when the hub names
 * a broker, restarted when what it names changes, closed when it names
 * none or the service stops. The line itself is src/agent/wake.
 */
import type { MqttSettings } from "../../gen/dca/v1/agent_service_pb.ts";
import { wakeSettingsKey } from "../wake/index.ts";

/** What the line calls back: poll now, and the poll interval in force (for its log). */
export interface WakeHooks {
  wake(): void;
  pollSeconds(): number;
}

/** Starts a wake-up client for `settings` (the real one: startWakeClient). */
export type StartWakeups = (settings: MqttSettings, hooks: WakeHooks) => { close(): Promise<void> };

/** The wake-up line, following the hub. */
export interface WakeLine {
  /** Follows what the hub said on the last poll (absent: no broker). */
  update(settings: MqttSettings | undefined): void;
  /** Closes the line, if open. */
  close(): Promise<void>;
}

/** A wake-up line started by `start`; without `start`, one that never opens. */
export function createWakeLine(start: StartWakeups | undefined, hooks: WakeHooks): WakeLine {
  let open: { key: string; client: { close(): Promise<void> } } | undefined;
  return {
    update(settings) {
      if (!start) return;
      const key = settings?.urls.length ? wakeSettingsKey(settings) : undefined;
      if (key === open?.key) return;
      // The old line may take a moment to close; the new one need not wait for it.
      void open?.client.close();
      open = settings && key ? { key, client: start(settings, hooks) } : undefined;
    },
    async close() {
      const client = open?.client;
      open = undefined;
      await client?.close();
    },
  };
}
