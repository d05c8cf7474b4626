// Render-at-send messages (src/outbox/deferred.ts): the renderer named by the message runs with its
// stored input; an unknown renderer, a failing one or one giving the wrong kind sends `failedText`
// (or nothing), and a renderer name registered twice is refused at start-up.
import { describe, expect, it } from 'vitest';
import type { RenderLater } from '../../src/bot/types.ts';
import { collectRenderers, renderNow } from '../../src/outbox/deferred.ts';
import { renderFor } from '../../src/outbox/render.ts';
import { TEXT_CAPABILITIES } from '../support/recording-adapter.ts';

const later = (renderer: string, failedText?: string): RenderLater => ({
  kind: 'render', renderer, input: { n: 3 }, produces: 'file', fallbackText: 'fallback', ...(failedText ? { failedText } : {}),
});

const renderers = collectRenderers([
  {
    renderers: {
      'a.file': async (input) => ({ kind: 'file', fileName: 'x.csv', mimeType: 'text/csv', contentBase64: Buffer.from(JSON.stringify(input)).toString('base64'), caption: 'c', fallbackText: 'f' }),
      'a.fails': async () => {
        throw new Error('no font');
      },
      'a.image': async () => ({ kind: 'image', pngBase64: '', caption: 'c', fallbackText: 'f' }),
    },
  },
]);

describe('render at send time', () => {
  it('runs the named renderer on the stored input', async () => {
    const { message, error } = await renderNow(later('a.file'), renderers);
    expect(error).toBeUndefined();
    expect(message?.kind === 'file' && Buffer.from(message.contentBase64, 'base64').toString()).toBe('{"n":3}');
  });

  it('a failure sends failedText, or nothing, and says why', async () => {
    expect(await renderNow(later('a.fails', '页面没生成'), renderers)).toEqual({ message: { kind: 'text', text: '页面没生成' }, error: 'no font' });
    expect(await renderNow(later('a.fails'), renderers)).toEqual({ message: null, error: 'no font' });
    expect((await renderNow(later('nobody'), renderers)).error).toBe('no renderer named nobody');
    expect((await renderNow(later('a.image'), renderers)).error).toBe('renderer a.image gave a image, not a file');
  });

  it('a platform without files gets the fallback text when queued; one with files keeps the render for later', () => {
    expect(renderFor(later('a.file'), TEXT_CAPABILITIES)).toEqual([{ kind: 'text', text: 'fallback' }]);
    expect(renderFor(later('a.file'), { ...TEXT_CAPABILITIES, files: true })).toEqual([later('a.file')]);
  });

  it('refuses a renderer name registered twice', () => {
    const r = { renderers: { same: async () => ({ kind: 'image' as const, pngBase64: '', caption: '', fallbackText: '' }) } };
    expect(() => collectRenderers([r, r])).toThrow('renderer registered twice: same');
  });
});
