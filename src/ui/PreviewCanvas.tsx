/** Draws the latest latent preview (every latent frame side by side), scaled up with crisp pixels. */
import { useEffect, useRef } from 'react';
import { subscribePreview } from '../state/previewChannel';

export function PreviewCanvas() {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(
    () =>
      subscribePreview((preview) => {
        const element = canvas.current;
        const context = element?.getContext('2d');
        if (!element || !context) return;
        if (!preview) {
          context.clearRect(0, 0, element.width, element.height);
          return;
        }
        element.width = preview.width;
        element.height = preview.height;
        context.putImageData(new ImageData(new Uint8ClampedArray(preview.rgba), preview.width, preview.height), 0, 0);
      }),
    [],
  );
  return <canvas ref={canvas} className="preview" aria-label="Live preview while denoising" role="img" />;
}
