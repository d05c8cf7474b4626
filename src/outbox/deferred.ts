/**
 * Rendering at send time: a `render` message (src/bot/types.ts `RenderLater`) waits in the outbox
 * as its renderer's input and becomes a picture or a file only when the dispatcher is about to
 * send it, outside any transaction. The row was written in the transaction of the event or job
 * that asked for it, so a process killed between that commit and the render loses nothing: the
 * row is still pending (or leased, taken back at restart or when the lease runs out) and is
 * rendered and sent then, once, like any other message.
 */
import type { Renderer } from '../bot/feature.ts';
import type { OutgoingMessage, RenderLater } from '../bot/types.ts';

/** The renderers of every feature, by name (`polls.chart`, `report.csv`, …). */
export type Renderers = ReadonlyMap<string, Renderer>;

/** Collects the features' renderers; a name registered twice is a programming error. */
export function collectRenderers(sources: readonly { readonly renderers?: Readonly<Record<string, Renderer>> }[]): Renderers {
  const map = new Map<string, Renderer>();
  for (const s of sources) {
    for (const [name, renderer] of Object.entries(s.renderers ?? {})) {
      if (map.has(name)) throw new Error(`renderer registered twice: ${name}`);
      map.set(name, renderer);
    }
  }
  return map;
}

/**
 * The message to send for a `render` message: the rendered picture or file; when the renderer is
 * unknown or fails, its `failedText` as text, or null (nothing to send; the caller logs it).
 */
export async function renderNow(message: RenderLater, renderers: Renderers): Promise<{ message: OutgoingMessage | null; error?: string }> {
  const renderer = renderers.get(message.renderer);
  try {
    if (!renderer) throw new Error(`no renderer named ${message.renderer}`);
    const out = await renderer(message.input);
    if (out.kind !== message.produces) throw new Error(`renderer ${message.renderer} gave a ${out.kind}, not a ${message.produces}`);
    return { message: out };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    return { message: message.failedText ? { kind: 'text', text: message.failedText } : null, error };
  }
}
