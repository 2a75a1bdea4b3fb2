/** MQTT wake-ups for the agent: a nudge from the hub makes it poll at once. */
export { type WakeClient, type WakeClientOptions, type WakeSettings, startWakeClient, wakeSettingsKey } from "./wake-client.ts";
export { parseBrokerUrl, type BrokerAddress } from "../../common/broker-url.ts";
