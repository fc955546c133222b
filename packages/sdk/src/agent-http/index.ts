export {
  type AgentHandler,
  type AgentHandlerOptions,
  type AgentRequestInfo,
  createAgentHandler,
} from './handler.js';
export { AgentHttpError } from './http-error.js';
export { type NodeListenerOptions, toNodeListener } from './node.js';
export { type AgentAction, PROTOCOL_HEADER } from './respond.js';
