'use client';
/** Files an import or a server folder listing did not use, with the reason. */
import { useId, useState } from 'react';
import type { SkippedFile } from '../import';
import styles from './dataset.module.css';

const SKIPPED_SHOWN = 200;

export function SkippedFiles({ skipped, onClear }: { skipped: SkippedFile[]; onClear?: () => void }) {
  const id = useId();
  const [showAll, setShowAll] = useState(false);
  if (skipped.length === 0) return null;
  const shown = showAll ? skipped : skipped.slice(0, SKIPPED_SHOWN);
  return (
    <section className={styles.section} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`} className={styles.h}>
        Skipped files ({skipped.length})
      </h3>
      <p className={styles.hint}>These files were not used. Nothing else is affected.</p>
      <ul className={styles.skipped} aria-label="Skipped files">
        {shown.map((s, i) => (
          <li key={`${s.name}-${i}`}>
            <span>{s.name}</span> — <span className={styles.reason}>{s.reason}</span>
          </li>
        ))}
      </ul>
      <div className={styles.rowWrap}>
        {skipped.length > shown.length && (
          <button type="button" className="btn btn-small btn-ghost" onClick={() => setShowAll(true)}>
            Show all {skipped.length}
          </button>
        )}
        {onClear && (
          <button type="button" className="btn btn-small btn-ghost" onClick={onClear}>
            Clear skipped list
          </button>
        )}
      </div>
    </section>
  );
}
