import { describe, expect, it } from 'vitest';
import { EngineError, isEngineError, toEngineError } from '../../src/engine/errors';
import { ManifestError } from '../../src/models/manifest';
import { PipelineError } from '../../src/pipeline/errors';
import { PolicyRefusalError } from '../../src/safety/promptPolicy';

describe('toEngineError', () => {
  it('turns pipeline setting errors into bad-settings naming the field', () => {
    const error = toEngineError(new PipelineError('invalid-steps', 'steps 0 is not an integer from 1 to 1000'));
    expect(error.code).toBe('bad-settings');
    expect(error.field).toBe('steps');
    expect(error.message).toBe('Steps 0 is not an integer from 1 to 1000.');
  });

  it('keeps a policy refusal, its field and its sentence', () => {
    const error = toEngineError(new PolicyRefusalError('violent', 'negativePrompt'));
    expect(error.code).toBe('policy-refused');
    expect(error.field).toBe('negativePrompt');
    expect(error.message).toMatch(/^The negative prompt asks for violent/);
  });

  it('maps cancellation, manifests, lost devices and memory exhaustion', () => {
    expect(toEngineError(new PipelineError('aborted', 'generation was cancelled')).code).toBe('aborted');
    expect(toEngineError(new DOMException('x', 'AbortError')).code).toBe('aborted');
    expect(toEngineError(new ManifestError('missing-field', 'video', 'is missing')).code).toBe('manifest-invalid');
    expect(toEngineError(new Error('GPUDevice was lost: destroyed')).code).toBe('device-lost');
    expect(toEngineError(new Error('failed to allocate a buffer of size 4294967296')).code).toBe('out-of-memory');
    expect(toEngineError('weird').code).toBe('internal');
  });

  it('tells a pack too large for the browser from a broken one, without advising a reinstall', () => {
    const broken = toEngineError(new ManifestError('missing-field', 'video', 'is missing'));
    const tooLarge = toEngineError(new ManifestError('exceeds-limit', 'video.sizes.1:1', '8192×8192 is 67,108,864 pixels per frame; Tessera allows at most 2,097,152'));
    expect(broken.message).toContain('Reinstall');
    expect(broken.code).toBe('manifest-invalid');
    expect(tooLarge.code).toBe('pack-too-large');
    expect(tooLarge.message).toMatch(/^The model pack is too large to run here: manifest video\.sizes\.1:1: 8192×8192/);
    expect(tooLarge.message).not.toContain('Reinstall');
    expect(tooLarge.detail).toContain('2,097,152');
  });

  it('survives the worker boundary as plain data', () => {
    const original = new EngineError('bad-settings', 'Guidance 99 is not offered.', { field: 'guidance' });
    const copy = EngineError.fromData(structuredClone(original.toData()));
    expect(isEngineError(copy)).toBe(true);
    expect(copy.toData()).toEqual(original.toData());
    expect(toEngineError(copy)).toBe(copy);
  });
});
