/** The finished clip (looping) or image, its download, and the prompt, seed and settings that made it. */
import { reuseSeed } from '../state/actions';
import { formatBytes } from '../lib/formatBytes';
import { formatDuration } from '../state/selectors';
import { useStore } from '../state/store';
import { ShareButton } from './ShareButton';

export function ResultPanel() {
  const result = useStore((s) => s.result);
  if (!result) return null;
  const { settings } = result;
  const download = result.kind === 'video' ? 'Download MP4' : 'Download PNG';
  return (
    <section className="panel result" aria-label="Result">
      <div className="media">
        {result.kind === 'video' ? (
          <video key={result.url} src={result.url} autoPlay loop muted playsInline controls aria-label={`Generated video: ${settings.prompt}`} />
        ) : (
          <img src={result.url} alt={`Generated image: ${settings.prompt}`} />
        )}
      </div>
      <div className="details">
        <a className="button primary" href={result.url} download={result.fileName}>
          {download}
        </a>{' '}
        <ShareButton />
        <dl>
          <dt>Prompt</dt>
          <dd data-testid="result-prompt">{settings.prompt}</dd>
          {settings.expandPrompt && (
            <>
              <dt>Model read</dt>
              <dd>{result.expandedPrompt}</dd>
            </>
          )}
          {settings.negativePrompt && (
            <>
              <dt>Negative prompt</dt>
              <dd>{settings.negativePrompt}</dd>
            </>
          )}
          <dt>Seed</dt>
          <dd>
            <span data-testid="result-seed">{settings.seed}</span>{' '}
            <button type="button" className="link" onClick={() => reuseSeed(settings.seed)}>
              Reuse seed
            </button>
          </dd>
          <dt>Settings</dt>
          <dd>
            {settings.aspect} · {result.frames === 1 ? 'image' : `${result.frames} frames at ${result.fps} fps`} · {settings.steps} steps · guidance {settings.guidance}
          </dd>
          <dt>File</dt>
          <dd>
            {result.width}×{result.height} {result.codec ?? 'PNG'} · {formatBytes(result.bytes)}
          </dd>
          <dt>Made with</dt>
          <dd>
            {result.packName} on {result.backendLabel} in {formatDuration(result.timings.totalMs)}
          </dd>
        </dl>
      </div>
    </section>
  );
}
