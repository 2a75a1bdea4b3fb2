/** MQTT wake-ups for the agent: a nudge from the hub makes it poll at once. */
export { type BrokerRoute, type WakeClient, type WakeClientOptions, type WakeSettings, brokerRoutes, startWakeClient, wakeSettingsKey } from "./wake-client.ts";
export { type BrokerLogin, connectBroker } from "./connect-broker.ts";
export { WAKE_SETTINGS_FILE, loadWakeSettings, saveWakeSettings } from "./saved-wake-settings.ts";
export { parseBrokerUrl, type BrokerAddress } from "../../common/broker-url.ts";
