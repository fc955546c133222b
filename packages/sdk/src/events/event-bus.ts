import type { AnyMDMEvent, MDMEvent, MDMEventName } from '../domain/event.js';
import type { Logger } from '../logger.js';

export type EventHandler<K extends MDMEventName = MDMEventName> = (
  event: MDMEvent<K>,
) => void | Promise<void>;
export type AnyEventHandler = (event: AnyMDMEvent) => void | Promise<void>;

/**
 * In-process fan-out of stored events. A handler that throws or rejects is logged and never affects the
 * other handlers or the operation that produced the event.
 */
export class EventBus {
  private readonly handlers = new Map<string, Set<AnyEventHandler>>();

  constructor(private readonly logger: Logger) {}

  on(type: '*', handler: AnyEventHandler): () => void;
  on<K extends MDMEventName>(type: K, handler: EventHandler<K>): () => void;
  on(type: string, handler: AnyEventHandler | EventHandler<MDMEventName>): () => void {
    let set = this.handlers.get(type);
    if (!set) {
      set = new Set();
      this.handlers.set(type, set);
    }
    set.add(handler as AnyEventHandler);
    return () => this.handlers.get(type)?.delete(handler as AnyEventHandler);
  }

  off(type: '*', handler: AnyEventHandler): void;
  off<K extends MDMEventName>(type: K, handler: EventHandler<K>): void;
  off(type: string, handler: AnyEventHandler | EventHandler<MDMEventName>): void {
    this.handlers.get(type)?.delete(handler as AnyEventHandler);
  }

  dispatch(events: readonly AnyMDMEvent[]): void {
    for (const event of events) {
      for (const key of [event.type, '*']) {
        for (const handler of this.handlers.get(key) ?? []) this.invoke(handler, event);
      }
    }
  }

  private invoke(handler: AnyEventHandler, event: AnyMDMEvent): void {
    try {
      const result = handler(event);
      if (result && typeof (result as Promise<void>).catch === 'function') {
        (result as Promise<void>).catch((error: unknown) => this.report(error, event));
      }
    } catch (error) {
      this.report(error, event);
    }
  }

  private report(error: unknown, event: AnyMDMEvent): void {
    this.logger.error({ err: error, eventType: event.type, eventId: event.id }, 'event handler failed');
  }
}
