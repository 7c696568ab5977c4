/**
 * Restore settings from a Tessera MP4 or PNG: "Open a file…" and dropping a file anywhere on the page
 * (an overlay shows while a file is dragged over it).
 */
import { useEffect, useRef, useState } from 'react';
import { restoreFromFile } from '../state/shareActions';

const ACCEPT = 'video/mp4,image/png,.mp4,.png';

export function OpenFileButton() {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" onClick={() => input.current?.click()}>
        Open a file…
      </button>
      <input
        ref={input}
        type="file"
        accept={ACCEPT}
        hidden
        aria-label="Open a Tessera file to restore its settings"
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) void restoreFromFile(file);
          event.target.value = '';
        }}
      />
    </>
  );
}

export function FileDropZone() {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    // A drop target of its own (the "Check a video" panel) prevents the default: not a restore.
    const onOver = (event: DragEvent) => {
      if (event.defaultPrevented) return setDragging(false);
      if (!hasFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
      setDragging(true);
    };
    const onLeave = (event: DragEvent) => {
      if (event.relatedTarget === null) setDragging(false);
    };
    const onDrop = (event: DragEvent) => {
      if (event.defaultPrevented) return setDragging(false);
      if (!hasFiles(event)) return;
      event.preventDefault();
      setDragging(false);
      const file = event.dataTransfer?.files[0];
      if (file) void restoreFromFile(file);
    };
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, []);
  if (!dragging) return null;
  return (
    <div className="drop-overlay" aria-hidden="true">
      Drop a Tessera MP4 or PNG to restore its settings
    </div>
  );
}
