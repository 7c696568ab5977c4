/**
 * Settings in and out of the app: restore them from a settings link or a Tessera file (never
 * generating by itself), generate again from a gallery entry, share a result.
 */
import type { GenerateSettings } from '../engine/protocol';
import { readFileSettings } from '../share/fileSettings';
import { shareClip } from '../share/shareClip';
import { settingsFromLink, settingsLink, type RestoredSettings } from '../share/settingsLink';
import { setPrompt } from './actions';
import { queueFromForm } from './queueActions';
import { showNotice } from './noticeActions';
import { loadBoard, waitingFiles } from './storyboardActions';
import { useStore } from './store';

const PROMPT_IN_FILE_KEY = 'tessera.promptInFile';

/** Puts restored settings into the form; a restored seed becomes the fixed seed. */
export function restoreSettings(settings: RestoredSettings): void {
  const { prompt, seed, ...rest } = settings;
  useStore.setState({ ...rest, ...(seed !== undefined ? { seedMode: 'fixed' as const, seed } : {}), error: null });
  if (prompt !== undefined) setPrompt(prompt);
}

/** Fills the form from a settings link (`?prompt=…&seed=…`); returns what it restored. */
export function restoreFromLink(href: string): RestoredSettings | null {
  const settings = settingsFromLink(href);
  if (settings) restoreSettings(settings);
  return settings;
}

/** Fills the form from a Tessera MP4 or PNG (opened, dropped or launched with the app). */
export async function restoreFromFile(file: File): Promise<boolean> {
  const found = await readFileSettings(file).catch(() => null);
  if (!found) {
    showNotice(`“${file.name}” does not carry Tessera settings, so nothing was restored.`);
    return false;
  }
  if (found.storyboard) {
    loadBoard(found.storyboard);
    showNotice(`Storyboard restored from “${file.name}” (seed ${found.storyboard.seed}, ${found.storyboard.cards.length} cards).${waitingFiles()}`);
    return true;
  }
  // A single clip's settings go into the form: show it, even from the storyboard.
  useStore.setState({ view: 'form' });
  restoreSettings(found.settings);
  const seed = found.settings.seed === undefined ? '' : ` (seed ${found.settings.seed})`;
  const prompt = found.hasPrompt ? '' : ' The file does not carry its prompt; type one to generate.';
  showNotice(`Settings restored from “${file.name}”${seed}.${prompt}`);
  return true;
}

/** The same settings and seed again: the same frames. */
export function generateAgain(settings: GenerateSettings): void {
  restoreSettings(settings);
  void queueFromForm();
}

/** Shares the result shown: the file through the share sheet, or a download plus a settings link. */
export async function shareResult(): Promise<void> {
  const result = useStore.getState().result;
  if (!result) return;
  const link = settingsLink(result.settings, location.href);
  try {
    const file = await (await fetch(result.url)).blob();
    const outcome = await shareClip({ file, fileName: result.fileName, mimeType: result.mimeType, title: result.settings.prompt, link });
    if (outcome.kind === 'downloaded') {
      showNotice(outcome.copied ? `Downloaded ${result.fileName} and copied a link to these settings.` : `Downloaded ${result.fileName}. Copy this link to share the settings:`, outcome.link);
    }
  } catch (error) {
    showNotice(`Sharing failed (${error instanceof Error ? error.message : String(error)}). Use Download instead.`);
  }
}

/** Whether files carry the prompt (remembered on this device). */
export function setPromptInFile(promptInFile: boolean): void {
  useStore.setState({ promptInFile });
  try {
    localStorage.setItem(PROMPT_IN_FILE_KEY, promptInFile ? '1' : '0');
  } catch {
    // Storage refused (private mode): the choice holds for this visit.
  }
}

/** Reads the remembered choice at start-up. */
export function loadPromptInFile(): void {
  try {
    if (localStorage.getItem(PROMPT_IN_FILE_KEY) === '0') useStore.setState({ promptInFile: false });
  } catch {
    // Keep the default.
  }
}

interface LaunchParams {
  readonly files: readonly { getFile(): Promise<File> }[];
}

/** Files opened with the installed app (manifest `file_handlers`) restore their settings. */
export function listenForLaunchedFiles(): void {
  const queue = (window as { launchQueue?: { setConsumer(consumer: (params: LaunchParams) => void): void } }).launchQueue;
  queue?.setConsumer((params) => {
    const first = params.files[0];
    if (first) void first.getFile().then(restoreFromFile);
  });
}
