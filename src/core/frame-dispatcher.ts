/**
 * STT's FrameDispatcher (docs/stt.md §5): the application registers a handler per custom frame
 * type (0x80–0xFF; STT keeps 0x00–0x7F for itself) and hands the connection's `custom-frame`
 * events to `dispatch`, which calls the type's handler. The protocol never reads these payloads.
 */
import { requireCustomFrameType } from '../wire/frame.ts';
import type { ConnectionEvent } from './events.ts';

export type CustomFrame = Omit<Extract<ConnectionEvent, { type: 'custom-frame' }>, 'type'>;
export type CustomFrameHandler = (frame: CustomFrame) => void;

/** A custom frame of a type no handler is registered for. */
export class UnhandledFrameError extends Error {
  override readonly name = 'UnhandledFrameError';
}

export class FrameDispatcher {
  private readonly handlers = new Map<number, CustomFrameHandler>();

  /** Sets the handler of a custom type, replacing any before it; a type outside 0x80–0xFF is a WireError. */
  register(frameType: number, handler: CustomFrameHandler): void {
    requireCustomFrameType(frameType);
    this.handlers.set(frameType, handler);
  }

  unregister(frameType: number): void {
    this.handlers.delete(frameType);
  }

  get registeredTypes(): number[] {
    return [...this.handlers.keys()].sort((a, b) => a - b);
  }

  dispatch(frame: CustomFrame): void {
    const handler = this.handlers.get(frame.frameType);
    if (!handler) throw new UnhandledFrameError(`no handler registered for custom frame type 0x${frame.frameType.toString(16)} (registered: ${this.registeredTypes.map((t) => `0x${t.toString(16)}`).join(', ') || 'none'})`);
    handler(frame);
  }
}
