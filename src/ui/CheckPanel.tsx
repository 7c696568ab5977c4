/**
 * "Check a video": pick or drop an MP4, WebM, PNG or JPEG; the panel says whether it carries Tessera's
 * invisible watermark, with a confidence, and shows the provenance metadata it holds. The check runs
 * in its own worker (src/check/); this file only shows its state.
 */
import { useRef, useState, type DragEvent } from 'react';
import type { CheckReport } from '../check/checkProtocol';
import { checkFile } from '../state/checkActions';
import type { CheckState } from '../state/slices/checkSlice';
import { useStore } from '../state/store';
import './CheckPanel.css';

const ACCEPT = 'video/mp4,video/webm,video/quicktime,image/png,image/jpeg,image/webp,.mp4,.m4v,.mov,.webm,.mkv,.png,.jpg,.jpeg,.webp';

export function CheckPanel() {
  const check = useStore((s) => s.fileCheck);
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const hasFiles = (event: DragEvent) => event.dataTransfer.types.includes('Files');

  // preventDefault marks the drop as handled here: the page-wide drop (restore settings) then ignores it.
  return (
    <section
      className={`panel check-panel${over ? ' check-over' : ''}`}
      aria-labelledby="check-title"
      data-testid="check-panel"
      onDragOver={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        setOver(false);
        const file = event.dataTransfer.files[0];
        if (file) void checkFile(file);
      }}
    >
      <h2 id="check-title">Check a video</h2>
      <p className="hint">Was it made with Tessera? Choose or drop a video (MP4, WebM) or an image (PNG, JPEG). It is checked on this device; nothing is uploaded.</p>
      <div className="check-pick">
        <button type="button" onClick={() => input.current?.click()} disabled={check.status === 'checking'}>
          Choose a file to check…
        </button>
        <span className="hint">or drop it on this panel</span>
        <input
          ref={input}
          type="file"
          accept={ACCEPT}
          hidden
          aria-label="File to check for Tessera's watermark"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) void checkFile(file);
            event.target.value = '';
          }}
        />
      </div>
      <CheckOutcomeView check={check} />
    </section>
  );
}

function CheckOutcomeView({ check }: { check: CheckState }) {
  if (check.status === 'failed') {
    return (
      <div className="check-error" role="alert" data-check-error={check.code}>
        <strong>This file cannot be checked.</strong> {check.message}
      </div>
    );
  }
  return (
    <div role="status" aria-live="polite" data-testid="check-result" {...(check.status === 'done' ? resultData(check.report) : {})}>
      {check.status === 'checking' ? <p>Checking “{check.fileName}”…</p> : null}
      {check.status === 'done' ? <CheckReportView fileName={check.fileName} report={check.report} /> : null}
    </div>
  );
}

/** Machine-readable copies of the verdict (tests and tools read these, people read the text). */
function resultData(report: CheckReport): Record<string, string> {
  return { 'data-watermark': String(report.watermark), 'data-confidence': String(report.confidence), 'data-metadata': String(report.metadata !== null) };
}

function CheckReportView({ fileName, report }: { fileName: string; report: CheckReport }) {
  const { metadata } = report;
  const payloadMatches = report.payload !== null && metadata !== null ? report.payload === metadata.watermarkPayload : null;
  const what = report.kind === 'video' ? `${report.framesChecked} frame${report.framesChecked === 1 ? '' : 's'} of ${report.width}×${report.height}` : `${report.width}×${report.height} image`;
  return (
    <>
      {report.watermark ? (
        <p className="check-verdict check-yes">
          <strong>Made with Tessera.</strong> “{fileName}” carries Tessera’s invisible watermark.
        </p>
      ) : (
        <p className="check-verdict check-no">
          <strong>No Tessera watermark found</strong> in “{fileName}”.
        </p>
      )}
      <p className="check-confidence">
        Confidence that it carries the watermark: <strong>{formatConfidence(report.confidence)}</strong>
        <span className="hint"> ({what} checked)</span>
      </p>
      {!report.watermark ? (
        <p className="hint">
          Heavy compression, cropping, rotation or editing can remove the mark, so this alone does not prove that another tool made the file.
          {metadata ? ' Its metadata names Tessera, but metadata can be copied into any file.' : ''}
        </p>
      ) : null}
      {payloadMatches === true ? <p className="hint">The watermark’s payload matches the prompt hash in the metadata.</p> : null}
      {payloadMatches === false ? <p className="hint">The watermark’s payload does not match the metadata’s prompt hash: the metadata may belong to another clip.</p> : null}
      <h3 className="check-subtitle">Metadata</h3>
      {metadata ? <MetadataList metadata={metadata} /> : <p data-testid="check-metadata">None: the file carries no Tessera metadata (it may have been removed).</p>}
    </>
  );
}

function MetadataList({ metadata }: { metadata: NonNullable<CheckReport['metadata']> }) {
  const s = metadata.settings;
  const settings = [
    s.steps !== undefined ? `${String(s.steps)} steps` : null,
    s.guidance !== undefined ? `guidance ${String(s.guidance)}` : null,
    s.width !== undefined && s.height !== undefined ? `${String(s.width)}×${String(s.height)}` : null,
    s.frames !== undefined ? `${String(s.frames)} frame${s.frames === 1 ? '' : 's'}` : null,
    s.fps !== undefined ? `${String(s.fps)} fps` : null,
  ].filter((part) => part !== null);
  const created = new Date(metadata.created);
  return (
    <>
      <dl className="check-metadata" data-testid="check-metadata">
        <dt>Generator</dt>
        <dd>{metadata.generator}</dd>
        <dt>Model pack</dt>
        <dd data-field="modelPack">
          {metadata.modelPack.name} {metadata.modelPack.version}
        </dd>
        <dt>Seed</dt>
        <dd data-field="seed">{metadata.seed}</dd>
        <dt>Prompt</dt>
        <dd data-field="prompt">{metadata.prompt ?? <span className="hint">not stored (SHA-256 {metadata.promptSha256.slice(0, 16)}…)</span>}</dd>
        {metadata.negativePrompt ? (
          <>
            <dt>Negative prompt</dt>
            <dd>{metadata.negativePrompt}</dd>
          </>
        ) : null}
        {settings.length > 0 ? (
          <>
            <dt>Settings</dt>
            <dd>{settings.join(' · ')}</dd>
          </>
        ) : null}
        <dt>Created</dt>
        <dd>{Number.isNaN(created.getTime()) ? String(metadata.created) : created.toLocaleString()}</dd>
      </dl>
      <details className="check-raw">
        <summary>Full record</summary>
        <pre>{JSON.stringify(metadata, null, 2)}</pre>
      </details>
    </>
  );
}

/** "99.99% or more" for a detected mark (its corrected p-value is at most 10⁻⁴), else a plain percentage. */
function formatConfidence(confidence: number): string {
  if (confidence >= 0.9999) return '99.99% or more';
  return `${(Math.floor(confidence * 10000) / 100).toFixed(2)}%`;
}
