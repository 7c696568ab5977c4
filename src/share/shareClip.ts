/**
 * Sharing a clip: the Web Share API with the file itself where the browser can share files
 * (`navigator.canShare({ files })`), else a download of the file plus a settings link copied to the
 * clipboard (and returned, so the UI can show it when copying is not allowed).
 */

export type ShareOutcome =
  /** The system share sheet took the file. */
  | { readonly kind: 'shared' }
  /** The user closed the share sheet. */
  | { readonly kind: 'cancelled' }
  /** The file was downloaded; `copied` says whether the link reached the clipboard. */
  | { readonly kind: 'downloaded'; readonly link: string; readonly copied: boolean };

export interface ShareRequest {
  readonly file: Blob;
  readonly fileName: string;
  readonly mimeType: string;
  /** Title for the share sheet (the prompt). */
  readonly title: string;
  /** The settings link (see settingsLink.ts). */
  readonly link: string;
}

/** How long a download's object URL stays valid: the browser reads it after the click returns. */
const DOWNLOAD_URL_LIFETIME_MS = 60_000;

export async function shareClip(request: ShareRequest): Promise<ShareOutcome> {
  const file = new File([request.file], request.fileName, { type: request.mimeType });
  if (canShareFile(file)) {
    try {
      await navigator.share({ files: [file], title: request.title });
      return { kind: 'shared' };
    } catch (error) {
      if ((error as { name?: string } | null)?.name === 'AbortError') return { kind: 'cancelled' };
      // NotAllowedError (no user activation left after reading the file) or a target that failed: fall back.
    }
  }
  downloadFile(file, request.fileName);
  return { kind: 'downloaded', link: request.link, copied: await copyText(request.link) };
}

function canShareFile(file: File): boolean {
  try {
    return typeof navigator.share === 'function' && typeof navigator.canShare === 'function' && navigator.canShare({ files: [file] });
  } catch {
    return false;
  }
}

/** Saves `blob` through a temporary download link. */
export function downloadFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.hidden = true;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), DOWNLOAD_URL_LIFETIME_MS);
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
