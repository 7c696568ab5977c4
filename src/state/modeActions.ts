/**
 * The mode form's actions: choosing a mode and its sources, and turning them into the engine's
 * ModeRequest when Generate is pressed (files are read into bytes only then).
 */
import { EngineError } from '../engine/errors';
import { formatBytes } from '../lib/formatBytes';
import type { MediaFileInput, MediaInput, ModeKind, ModeRequest } from '../engine/modeProtocol';
import type { ModeSlice, SourceChoice } from './slices/modeSlice';
import { useStore } from './store';

/** The modes offered, in the order of the Mode control, with their labels. */
/** `fromSource`: the mode starts from source frames, so it needs a pack whose architecture encodes them (PackInfo.sourceModes). */
export const MODE_OPTIONS: readonly { readonly kind: ModeKind; readonly label: string; readonly fromSource: boolean }[] = [
  { kind: 'text', label: 'Text', fromSource: false },
  { kind: 'image-to-video', label: 'Image → video', fromSource: true },
  { kind: 'extend', label: 'Extend', fromSource: true },
  { kind: 'video-to-video', label: 'Video → video', fromSource: true },
  { kind: 'loop', label: 'Loop', fromSource: false },
  { kind: 'connect', label: 'Connect', fromSource: true },
];

export function setMode(patch: Partial<Pick<ModeSlice, 'mode' | 'extendDirection' | 'strength'>>): void {
  useStore.setState(patch);
}

/**
 * Largest upload read as a source. Generate reads the whole file into memory before its header is
 * checked, and Chrome's ArrayBuffer tops out near 2 GB; the CLI reads files whole under the same cap.
 */
export const MAX_UPLOAD_BYTES = 1024 ** 3;

/**
 * Uses an uploaded file as source A or B (the object URL replaces, and frees, the previous one).
 * A file over MAX_UPLOAD_BYTES is refused as it is picked, with the previous source kept.
 */
export function chooseUpload(slot: 'sourceA' | 'sourceB', file: File): void {
  if (file.size > MAX_UPLOAD_BYTES) {
    const message = `“${file.name}” is ${formatBytes(file.size)}; a source may be at most ${formatBytes(MAX_UPLOAD_BYTES)}. Trim or re-encode it, then choose it again.`;
    useStore.setState({ error: { code: 'bad-settings', field: 'source', message } });
    return;
  }
  chooseSource(slot, { kind: 'upload', name: file.name, type: file.type, url: URL.createObjectURL(file) });
}

/** Uses the result shown now (a new result, or a gallery clip opened in the result panel). */
export function chooseCurrentResult(slot: 'sourceA' | 'sourceB'): void {
  const result = useStore.getState().result;
  if (result) chooseSource(slot, { kind: 'clip', id: result.id, label: result.settings.prompt || result.fileName });
}

export function clearSource(slot: 'sourceA' | 'sourceB'): void {
  chooseSource(slot, null);
}

function chooseSource(slot: 'sourceA' | 'sourceB', choice: SourceChoice | null): void {
  const previous = useStore.getState()[slot];
  if (previous?.kind === 'upload') URL.revokeObjectURL(previous.url);
  useStore.setState({ [slot]: choice });
}

/** Edits the caption the model will read; `base` is the expansion it was edited from. */
export function editCaption(base: string, text: string): void {
  useStore.setState({ editedCaption: text === base ? null : { base, text } });
}

/** The caption the user approved, when it differs from the expansion: generate from it as written. */
export function editedCaption(state: { expandPrompt: boolean; expansion: { caption: string } | null; editedCaption: ModeSlice['editedCaption'] }): string | null {
  const edit = state.editedCaption;
  return state.expandPrompt && edit && edit.base === state.expansion?.caption && edit.text.trim() ? edit.text : null;
}

/** The ModeRequest for the form's mode; throws EngineError('bad-settings', field 'source') when a source is missing. */
export async function modeRequest(): Promise<ModeRequest> {
  const { mode, sourceA, sourceB, extendDirection, strength } = useStore.getState();
  const need = (choice: SourceChoice | null, what: string) => {
    if (!choice) throw new EngineError('bad-settings', `Choose ${what} first: upload a file or use the current result.`, { field: 'source' });
    return toMediaInput(choice);
  };
  switch (mode) {
    case 'text':
    case 'loop':
      return { kind: mode };
    case 'image-to-video':
      return { kind: mode, image: await need(sourceA, 'an image to animate') };
    case 'extend':
      return { kind: mode, clip: await need(sourceA, 'a clip to extend'), direction: extendDirection };
    case 'video-to-video':
      return { kind: mode, clip: await need(sourceA, 'a clip to re-generate'), strength };
    case 'connect':
      return { kind: mode, first: await need(sourceA, 'the first clip'), second: await need(sourceB, 'the second clip') };
  }
}

async function toMediaInput(choice: SourceChoice): Promise<MediaInput> {
  if (choice.kind === 'upload') return { kind: 'file', name: choice.name, type: choice.type, bytes: await (await fetch(choice.url)).arrayBuffer() };
  // The engine has the frames of results it made this session; the saved file covers older ones.
  const result = useStore.getState().result;
  const fallback: MediaFileInput | undefined =
    result?.id === choice.id ? { kind: 'file', name: result.fileName, type: result.mimeType, bytes: await (await fetch(result.url)).arrayBuffer() } : undefined;
  return { kind: 'result', id: choice.id, ...(fallback ? { fallback } : {}) };
}
