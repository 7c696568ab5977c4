/**
 * Says that a job finished while the tab was hidden: in the document title until the tab is seen
 * again, and with a system notification where the user allowed them. Permission is asked only when
 * the user presses the queue panel's button, never by itself.
 */
import { useStore } from './store';

let titleBeforeHidden: string | null = null;
let unseen: { readonly label: string; readonly ok: boolean }[] = [];

/** Restores the title when the tab is shown again; call once at start-up. */
export function watchVisibility(): void {
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible' || titleBeforeHidden === null) return;
    document.title = titleBeforeHidden;
    titleBeforeHidden = null;
    unseen = [];
  });
}

/** Announces a finished (`ok`) or failed job when the tab is hidden; does nothing while it is seen. */
export function announceFinished(label: string, ok: boolean): void {
  if (document.visibilityState !== 'hidden') return;
  titleBeforeHidden ??= document.title;
  unseen.push({ label, ok });
  const failed = unseen.filter((job) => !job.ok).length;
  const summary =
    unseen.length === 1 ? `${ok ? 'Done' : 'Failed'}: ${label}` : `${unseen.length} jobs finished${failed ? `, ${failed} failed` : ''}`;
  document.title = `${summary} — ${titleBeforeHidden}`;
  if (useStore.getState().notifyPermission === 'granted') {
    try {
      new Notification(ok ? 'Tessera: your clip is ready' : 'Tessera: a job failed', { body: label, tag: 'tessera-queue' });
    } catch {
      // Some browsers allow notifications only from a service worker; the title still says it.
    }
  }
}

/** Asks the browser for permission to notify (from a button press only). */
export async function askToNotify(): Promise<void> {
  if (typeof Notification === 'undefined') return;
  const permission = await Notification.requestPermission();
  useStore.setState({ notifyPermission: permission });
}
