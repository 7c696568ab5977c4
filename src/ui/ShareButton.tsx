/** Share the result: the file through the system share sheet, else a download plus a settings link. */
import { shareResult } from '../state/shareActions';

export function ShareButton() {
  return (
    <button type="button" onClick={() => void shareResult()}>
      Share
    </button>
  );
}
