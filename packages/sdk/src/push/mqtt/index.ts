export { type EmbeddedBroker, type EmbeddedBrokerOptions, startEmbeddedBroker } from './embedded-broker.js';
export {
  type MqttAckEvent,
  type MqttPresenceEvent,
  type MqttPushAdapter,
  mqttPushAdapter,
} from './mqtt-push-adapter.js';
export type { MqttPushAdapterOptions } from './options.js';
