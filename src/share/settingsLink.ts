/**
 * Settings links: `?prompt=…&seed=…&aspect=…&steps=…&guidance=…&frames=…` restores a clip's
 * settings into the form (never generates by itself). Pure: no DOM.
 */
import type { GenerateSettings } from '../engine/protocol';

/** The form fields a link, a file or a gallery entry can restore; absent ones stay as they are. */
export interface RestoredSettings {
  readonly prompt?: string;
  readonly negativePrompt?: string;
  readonly aspect?: string;
  readonly frames?: number;
  readonly steps?: number;
  readonly guidance?: number;
  /** Restored as a fixed seed. */
  readonly seed?: number;
  readonly expandPrompt?: boolean;
}

/** Query parameters a settings link may carry; the app's own (`backend`, `pack`, `testHooks`) are left alone. */
export const LINK_PARAMS = ['prompt', 'negative', 'seed', 'aspect', 'frames', 'steps', 'guidance', 'expand'] as const;

const MAX_PROMPT_CHARS = 1000;
const UINT32_MAX = 0xffffffff;

/** The link to `base` (the app's URL) that restores `settings`. */
export function settingsLink(settings: GenerateSettings, base: string): string {
  const url = new URL(base);
  for (const name of LINK_PARAMS) url.searchParams.delete(name);
  url.hash = '';
  const params = url.searchParams;
  params.set('prompt', settings.prompt);
  if (settings.negativePrompt) params.set('negative', settings.negativePrompt);
  params.set('seed', String(settings.seed));
  params.set('aspect', settings.aspect);
  params.set('frames', String(settings.frames));
  params.set('steps', String(settings.steps));
  params.set('guidance', String(settings.guidance));
  if (!settings.expandPrompt) params.set('expand', '0');
  return url.href;
}

/**
 * The settings a link carries, or null when it carries none. Values of the wrong shape are dropped
 * one by one (a link with a bad seed still restores its prompt); the engine checks the rest against
 * the model pack when the user generates.
 */
export function settingsFromLink(href: string): RestoredSettings | null {
  const params = new URL(href).searchParams;
  if (!LINK_PARAMS.some((name) => params.has(name))) return null;
  const text = (name: string) => {
    const value = params.get(name);
    return value === null ? undefined : value.slice(0, MAX_PROMPT_CHARS);
  };
  const integer = (name: string, min: number, max: number) => {
    const value = params.get(name);
    if (value === null || !/^\d{1,10}$/.test(value)) return undefined;
    const n = Number(value);
    return n >= min && n <= max ? n : undefined;
  };
  const guidance = params.get('guidance');
  const guidanceValue = guidance !== null && /^-?\d+(\.\d+)?$/.test(guidance) ? Number(guidance) : undefined;
  const aspect = params.get('aspect');
  const expand = params.get('expand');
  return compact({
    prompt: text('prompt'),
    negativePrompt: text('negative'),
    seed: integer('seed', 0, UINT32_MAX),
    aspect: aspect !== null && /^\d{1,3}:\d{1,3}$/.test(aspect) ? aspect : undefined,
    frames: integer('frames', 1, 10_000),
    steps: integer('steps', 1, 10_000),
    guidance: guidanceValue !== undefined && guidanceValue >= 0 && guidanceValue <= 100 ? guidanceValue : undefined,
    expandPrompt: expand === '0' ? false : expand === '1' ? true : undefined,
  });
}

/** Drops undefined fields, so spreading the result into the form leaves those fields alone. */
export function compact(settings: { [K in keyof RestoredSettings]: RestoredSettings[K] | undefined }): RestoredSettings {
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as RestoredSettings;
}
