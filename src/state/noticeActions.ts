/** Short notices after an action (share, restore, a model falling back): one at a time, replaced by the next. */
import { useStore } from './store';

let noticeCount = 0;

export function showNotice(text: string, link?: string): void {
  useStore.setState({ notice: { id: ++noticeCount, text, ...(link ? { link } : {}) } });
}

export function dismissNotice(): void {
  useStore.setState({ notice: null });
}
