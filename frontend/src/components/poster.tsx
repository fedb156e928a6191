/**
 * A poster image with its space reserved (2:3, explicit width and height), so
 * cards never shift when the image arrives; a lettered tile when there is
 * none, or when the image fails to load (never a broken-image icon).
 */
import { useState } from 'react';
import './poster.css';

export function Poster({ src, title }: { src: string | null; title: string }) {
  const [failed, setFailed] = useState<string | null>(null);
  if (!src || failed === src) {
    return (
      <div className="poster-frame poster-placeholder" aria-hidden="true" data-testid="poster-placeholder">
        <span>{title.slice(0, 1).toUpperCase()}</span>
      </div>
    );
  }
  return (
    <div className="poster-frame">
      <img src={src} alt="" width={342} height={513} loading="lazy" decoding="async" onError={() => setFailed(src)} />
    </div>
  );
}
