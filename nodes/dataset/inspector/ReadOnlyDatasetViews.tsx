'use client';
/** Read-only views of datasets the browser does not own: server (`builtin:`/`dir:`) and shared-with-the-graph. */
import type { DatasetContentSummary } from '../issues';
import { sharedClasses, type SharedManifest } from '../shared';
import { useDirListing } from './useDatasetContent';
import { ServerThumbnails, UrlThumbnails } from './Thumbnails';
import { SkippedFiles } from './SkippedFiles';
import { plural } from './format';
import styles from './dataset.module.css';

export function ServerDatasetView({ datasetId, content }: { datasetId: string; content: DatasetContentSummary }) {
  const listing = useDirListing(datasetId);
  const total = content.classes.reduce((s, c) => s + c.count, 0);
  return (
    <section className={styles.section} aria-label="Classes">
      <p className={styles.hint}>
        {plural(total, 'image')} in {content.classes.length} classes, provided by the server (read-only). Upload a folder or zip to
        use your own images.
      </p>
      <ul className={styles.classes}>
        {content.classes.map((c) => {
          const files = listing?.classes.find((l) => l.name === c.name)?.files ?? [];
          return (
            <li key={c.name} className={styles.classCard} aria-label={`Class ${c.name}`}>
              <div className={styles.classHeader}>
                <span className={styles.className}>{c.name}</span>
                <span className={styles.count}>{plural(c.count, 'image')}</span>
              </div>
              {listing && <ServerThumbnails datasetName={listing.name} className={c.name} files={files} count={c.count} />}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function SharedDatasetView({ manifest }: { manifest: SharedManifest }) {
  const classes = sharedClasses(manifest);
  return (
    <section className={styles.section} aria-label="Classes">
      <p className={styles.hint} role="note">
        <strong>Shared with this graph</strong> — “{manifest.name}”: {plural(manifest.imageCount, 'image')} in{' '}
        {classes.length === 1 ? '1 class' : `${classes.length} classes`}, stored on the server with the shared link (read-only). Upload a
        folder or zip to use your own images instead.
      </p>
      <ul className={styles.classes}>
        {classes.map((c) => (
          <li key={c.name} className={styles.classCard} aria-label={`Class ${c.name}`}>
            <div className={styles.classHeader}>
              <span className={styles.className}>{c.name}</span>
              <span className={styles.count}>{plural(c.images.length, 'image')}</span>
            </div>
            <UrlThumbnails className={c.name} images={c.images.map((i) => ({ url: i.url, name: i.fileName }))} count={c.images.length} />
          </li>
        ))}
      </ul>
    </section>
  );
}

export function DirSkippedFiles({ datasetId }: { datasetId: string }) {
  const listing = useDirListing(datasetId);
  if (!listing || listing.skipped.length === 0) return null;
  return <SkippedFiles skipped={listing.skipped} />;
}
