// Progress as typed events: the engine emits them, the CLI renders them
// (spinners on a TTY, plain lines elsewhere, nothing with --json).

export type EngineEvent =
  | { type: 'phase.start'; phase: string; text: string }
  | { type: 'phase.done'; phase: string; text: string; ms: number }
  | { type: 'phase.failed'; phase: string; text: string }
  | { type: 'info'; text: string }
  | { type: 'warn'; text: string };

export type EventSink = (event: EngineEvent) => void;

export const silent: EventSink = () => undefined;

/** Runs one phase between a start and a done (or failed) event. */
export async function phase<T>(emit: EventSink, name: string, text: string, work: () => Promise<T>, doneText?: (value: T) => string): Promise<T> {
  const started = Date.now();
  emit({ type: 'phase.start', phase: name, text });
  try {
    const value = await work();
    emit({ type: 'phase.done', phase: name, text: doneText?.(value) ?? text, ms: Date.now() - started });
    return value;
  } catch (error) {
    emit({ type: 'phase.failed', phase: name, text });
    throw error;
  }
}
