/** The outcome of a share or a restore, with the settings link when there is one. */
import { dismissNotice } from '../state/noticeActions';
import { useStore } from '../state/store';

export function NoticeBar() {
  const notice = useStore((s) => s.notice);
  if (!notice) return null;
  return (
    <div className="notice notice-bar" role="status" data-testid="notice">
      <p>{notice.text}</p>
      {notice.link && <input type="text" readOnly value={notice.link} aria-label="Settings link" onFocus={(e) => e.currentTarget.select()} />}
      <button type="button" className="link" onClick={dismissNotice}>
        Close
      </button>
    </div>
  );
}
