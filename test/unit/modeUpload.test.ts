import { beforeEach, describe, expect, it } from 'vitest';
import { chooseUpload, MAX_UPLOAD_BYTES } from '../../src/state/modeActions';
import { useStore } from '../../src/state/store';

/** A File whose size is all that is read: a real 1 GB file is not needed to test its refusal. */
function fileOfSize(name: string, size: number): File {
  return { name, type: 'video/mp4', size } as File;
}

describe('choosing an upload as a source', () => {
  beforeEach(() => useStore.setState({ sourceA: null, error: null }));

  it('refuses one byte over the limit', () => {
    chooseUpload('sourceA', fileOfSize('edge.mp4', MAX_UPLOAD_BYTES + 1));
    expect(useStore.getState().sourceA).toBeNull();
    expect(useStore.getState().error?.field).toBe('source');
  });

  it('keeps a file within the upload limit', () => {
    chooseUpload('sourceA', new File(['tiny'], 'clip.y4m', { type: 'video/x-yuv4mpeg' }));
    expect(useStore.getState().sourceA).toMatchObject({ kind: 'upload', name: 'clip.y4m' });
    expect(useStore.getState().error).toBeNull();
  });

  it('refuses a file over the limit as it is picked, naming its size, and keeps the previous source', () => {
    chooseUpload('sourceA', new File(['tiny'], 'first.y4m'));
    chooseUpload('sourceA', fileOfSize('huge.mp4', 1.5e9));
    expect(useStore.getState().sourceA).toMatchObject({ name: 'first.y4m' });
    expect(useStore.getState().error).toEqual({
      code: 'bad-settings',
      field: 'source',
      message: '“huge.mp4” is 1.50 GB; a source may be at most 1.07 GB. Trim or re-encode it, then choose it again.',
    });
  });
});
