/**
 * Which model pack the app uses: the built-in one (named by the page's URL) or a pack installed in
 * the Models panel. Pure decisions (the pack to start with, the form after a switch, what a pack's
 * "Use this model" button offers) and the remembered choice.
 *
 * The choice is remembered in localStorage, like the prompt-in-file option: one short string,
 * read synchronously before the engine starts (no wait on IndexedDB to decide what to load), per
 * origin, and it names a pack rather than holding one (the weights stay in the cache, which is the
 * authority on whether the pack is still there and whole).
 */
import type { PackStatus } from '../cache';
import type { PackInfo, PackSource } from '../engine/protocol';
import type { EngineStatus } from './slices/engineSlice';

/** An installed pack's name, or null for the built-in pack. */
export type PackChoice = string | null;

export const REMEMBERED_PACK_KEY = 'tessera.modelPack';

/** The pack the app starts on, and what any other choice falls back to (`?pack=tessera-tiny` still loads the 32-pixel one). */
export const BUILT_IN_PACK = 'tessera-tiny-2';

/** Pack names as the manifest allows them (src/models/manifest.ts). */
const PACK_NAME = /^[a-z0-9-]{1,64}$/;

/** Longest part of a `?pack=` value a notice repeats (the address may hold anything, at any length). */
const SHOWN_NAME_CHARS = 64;

type ChoiceStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** Where the engine loads a choice from: the built-in pack from its URL, any other from the cache. */
export function packSourceFor(choice: PackChoice, builtInUrl: string): PackSource {
  return choice === null ? { kind: 'url', url: builtInUrl } : { kind: 'installed', name: choice };
}

/** The pack to start with, and a notice when the remembered one cannot be used. */
export interface StartPack {
  readonly choice: PackChoice;
  readonly notice: string | null;
}

/**
 * The remembered pack when the cache holds it complete; otherwise the built-in pack, with a notice
 * saying why and how to get the chosen one back.
 * @param installed what the cache says about the remembered pack (null: nothing of it is stored)
 */
export function chooseStartPack(remembered: PackChoice, installed: { readonly status: PackStatus } | null): StartPack {
  if (remembered === null) return { choice: null, notice: null };
  const why =
    installed === null
      ? 'is no longer installed; add it again from its URL in Models'
      : installed.status === 'corrupt'
        ? 'is damaged; press Verify, then Resume, on it in Models'
        : installed.status === 'partial'
          ? 'is only partly downloaded; press Resume on it in Models'
          : null;
  if (why === null) return { choice: remembered, notice: null };
  return { choice: null, notice: `The model you chose, “${remembered}”, ${why}. Tessera is using the built-in model instead.` };
}

/** The notice when the remembered pack looked whole but failed to load at start. */
export function startFallbackNotice(remembered: string, reason: string): string {
  return `The model you chose, “${remembered}”, could not be loaded (${reason.replace(/[.\s]+$/, '')}). Tessera is using the built-in model instead.`;
}

/** True for a name a pack can have (and so a folder under models/ that cannot leave it). */
export function isPackName(value: string): boolean {
  return PACK_NAME.test(value);
}

/**
 * The notice when the pack the address names (`?pack=`) cannot be used: `reason` why it failed to
 * load, or null when the value is not a pack name at all (it was never tried).
 */
export function urlPackNotice(requested: string, reason: string | null): string {
  const shown = requested.length > SHOWN_NAME_CHARS ? `${requested.slice(0, SHOWN_NAME_CHARS)}…` : requested;
  const why =
    reason === null
      ? 'which is not a pack name (lower-case letters, digits and dashes, at most 64)'
      : `which could not be loaded (${reason.replace(/[.\s]+$/, '')})`;
  return `The address asks for model pack “${shown}” (?pack=), ${why}. Tessera is using the built-in model instead.`;
}

/** The form's pack-dependent choices. */
export interface PackForm {
  readonly aspect: string;
  readonly frames: number;
  readonly steps: number;
  readonly guidance: number;
}

/**
 * The form for a newly loaded pack: choices the pack offers are kept, others become the pack's;
 * steps and guidance still at the previous pack's defaults (or the form's, at start) take the new
 * pack's defaults, values the user typed stay.
 */
export function fitFormToPack(form: PackForm, previous: PackInfo | null, next: PackInfo, formDefaults: Pick<PackForm, 'steps' | 'guidance'>): PackForm {
  const untouched = previous ? { steps: previous.defaultSteps, guidance: previous.defaultGuidance } : formDefaults;
  return {
    frames: next.frameCounts.includes(form.frames) ? form.frames : (next.frameCounts[Math.min(2, next.frameCounts.length - 1)] ?? 1),
    aspect: form.aspect in next.sizes ? form.aspect : (Object.keys(next.sizes)[0] ?? form.aspect),
    steps: form.steps === untouched.steps ? next.defaultSteps : form.steps,
    guidance: form.guidance === untouched.guidance ? next.defaultGuidance : form.guidance,
  };
}

/** What a pack's row in Models offers: the pack in use, the one loading, or a (possibly disabled) button. */
export type UseOffer =
  | { readonly kind: 'in-use' }
  | { readonly kind: 'loading' }
  | { readonly kind: 'button'; /** Why it cannot be pressed now, in words; null when it can. */ readonly disabledReason: string | null };

export interface UseOfferInput {
  readonly status: PackStatus;
  /** The engine runs this pack now. */
  readonly inUse: boolean;
  /** The switch in flight loads this pack. */
  readonly loading: boolean;
  /** The panel installs, verifies or deletes it, or its download is in flight. */
  readonly busy: 'installing' | 'verifying' | 'deleting' | undefined;
  readonly engineStatus: EngineStatus;
  readonly generating: boolean;
  /** The pack was opened from a folder: copied, not downloaded, and finished by opening that folder again. */
  readonly fromFolder?: boolean;
}

/**
 * Only a complete pack can be used, and never while a generation runs: the switch would have to
 * cut it or queue behind it, and a button that is plainly disabled with its reason is clearer.
 */
export function packUseOffer(input: UseOfferInput): UseOffer {
  if (input.inUse) return { kind: 'in-use' };
  if (input.loading) return { kind: 'loading' };
  const reason =
    input.busy === 'installing'
      ? `Wait for the ${input.fromFolder ? 'copy' : 'download'} to finish to use this model.`
      : input.status !== 'complete' && input.fromFolder
        ? 'Open its folder again to finish copying it, then use it.'
        : input.status === 'partial'
          ? 'Finish the download (Resume) to use this model.'
          : input.status === 'corrupt'
            ? 'This pack is damaged: press Verify, then Resume, to use it.'
          : input.busy !== undefined
            ? `Wait until ${input.busy === 'verifying' ? 'the check' : 'the deletion'} finishes.`
            : input.generating
              ? 'Wait for the generation to finish (or cancel it) to switch models.'
              : input.engineStatus === 'starting' || input.engineStatus === 'switching'
                ? 'Wait until the model being loaded is ready.'
                : null;
  return { kind: 'button', disabledReason: reason };
}

/** The remembered choice; null (the built-in pack) when none, unreadable or not a pack name. */
export function readRememberedPack(storage: ChoiceStorage | undefined = browserStorage()): PackChoice {
  try {
    const value = storage?.getItem(REMEMBERED_PACK_KEY) ?? null;
    return value !== null && isPackName(value) ? value : null;
  } catch {
    return null;
  }
}

/** Remembers a choice; the built-in pack is remembered as no entry, so a new built-in applies. */
export function rememberPack(choice: PackChoice, storage: ChoiceStorage | undefined = browserStorage()): void {
  try {
    if (choice === null) storage?.removeItem(REMEMBERED_PACK_KEY);
    else storage?.setItem(REMEMBERED_PACK_KEY, choice);
  } catch {
    // Storage refused (private mode): the choice holds for this visit.
  }
}

function browserStorage(): ChoiceStorage | undefined {
  try {
    return (globalThis as { localStorage?: Storage }).localStorage;
  } catch {
    return undefined;
  }
}
