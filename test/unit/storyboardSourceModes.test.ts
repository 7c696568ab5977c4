/**
 * Storyboards on a pack whose architecture encodes no frames (wan2.1): every segment after a text
 * card's own text-to-video starts from frames, so the planner refuses those cards up front, once each,
 * instead of the render failing after the first segment; packs with an encoder plan as before.
 */
import { describe, expect, it } from 'vitest';
import { packCapabilities, type PackCapabilities } from '../../src/storyboard/packCapabilities';
import { planStoryboard } from '../../src/storyboard/storyboardPlanner';
import { parseStoryboard } from '../../src/storyboard/storyboardValidator';
import { parseManifest } from '../../src/models/manifest';
import { wan21ManifestJson } from '../fixtures/wan21ManifestFixture';

const WAN: PackCapabilities = { fps: 16, frameCounts: [17, 33], temporalCompression: 4, sizes: { '5:3': { width: 320, height: 192 } }, sourceModes: false };
const text = (seconds: number, prompt = 'a dog running on a beach') => ({ type: 'text', prompt, seconds });
const plan = (cards: unknown[], pack: PackCapabilities = WAN) => planStoryboard(parseStoryboard({ aspect: '5:3', seed: 1, cards }), pack, new Map());

describe('storyboards on a pack without a VAE encoder', () => {
  it('plans one text card as text-to-video, with no problem', () => {
    const p = plan([text(1)]);
    expect(p.segments.map((s) => s.mode)).toEqual(['text-to-video']);
    expect(p.problems).toEqual([]);
  });

  it('refuses the card that would extend, once, naming the mode and the missing encoder', () => {
    const p = plan([text(1), text(3, 'the dog jumps into the sea')]);
    expect(p.segments.slice(1).every((s) => s.mode === 'extend' && s.problem !== undefined)).toBe(true);
    expect(p.problems).toEqual([
      { card: 1, path: 'cards[1]', message: 'needs extend, which starts from frames the pack must encode, and this pack has no VAE encoder: a storyboard on it is one text card' },
    ]);
  });

  it('refuses a keyframe image the story reaches or starts from', () => {
    expect(plan([text(2), { type: 'image', file: 'key.png' }]).problems.map((p) => p.message)).toEqual([expect.stringMatching(/^needs (connect|extend-backward), .* no VAE encoder/)]);
    expect(plan([{ type: 'image', file: 'key.png' }, text(2)]).problems.map((p) => p.message)).toEqual([expect.stringMatching(/^needs image-to-video, .* no VAE encoder/)]);
  });

  it('plans the same boards as before when the pack encodes frames, or does not say', () => {
    const cards = [text(1), text(3, 'the dog jumps into the sea')];
    expect(plan(cards, { ...WAN, sourceModes: true }).problems).toEqual([]);
    const { sourceModes: _, ...unsaid } = WAN;
    expect(plan(cards, unsaid).problems).toEqual([]);
  });

  it("takes sourceModes from the architecture when packCapabilities is given one", () => {
    const manifest = parseManifest(wan21ManifestJson());
    expect(packCapabilities(manifest, {}).sourceModes).toBe(false);
    expect(packCapabilities(manifest, { encode: async () => new Float32Array() }).sourceModes).toBe(true);
    expect(Object.hasOwn(packCapabilities(manifest), 'sourceModes')).toBe(false);
  });
});
