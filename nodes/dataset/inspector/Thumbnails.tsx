'use client';
/**
 * A few small thumbnails per class. Local images: generated lazily (only when scrolled into view) and cached in
 * IndexedDB, so a class with thousands of photos costs a handful of tiny JPEGs. Server images: plain lazy <img>.
 */
import { useEffect, useRef, useState } from 'react';
import { getThumbnail, listClassImages } from '../browser-store';
import styles from './dataset.module.css';

export const THUMBNAILS_PER_CLASS = 8;

function useVisible<T extends Element>(): [React.RefObject<T | null>, boolean] {
  const ref = useRef<T>(null);
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || visible) return;
    if (typeof IntersectionObserver === 'undefined') {
      setVisible(true);
      return;
    }
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        setVisible(true);
        io.disconnect();
      }
    });
    io.observe(el);
    return () => io.disconnect();
  }, [visible]);
  return [ref, visible];
}

function LocalThumb({ datasetId, imageId, name }: { datasetId: string; imageId: string; name: string }) {
  const [ref, visible] = useVisible<HTMLSpanElement>();
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!visible) return;
    let alive = true;
    let objectUrl: string | null = null;
    getThumbnail(datasetId, imageId).then(
      (blob) => {
        if (!alive) return;
        if (!blob) return setFailed(true);
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      },
      () => alive && setFailed(true),
    );
    return () => {
      alive = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [visible, datasetId, imageId]);
  return (
    <span ref={ref} className={styles.thumb} title={name}>
      {/* eslint-disable-next-line @next/next/no-img-element -- tiny dataset thumbnails (object URLs / dataset files), nothing for next/image to optimise */}
      {url ? <img src={url} alt={name} width={48} height={48} /> : <span className={styles.thumbPlaceholder} aria-hidden="true">{failed ? '×' : ''}</span>}
    </span>
  );
}

/** `version` changes whenever the class's images change, so the list is re-read. */
export function LocalThumbnails({ datasetId, classId, className, count, version }: { datasetId: string; classId: string; className: string; count: number; version: number }) {
  const [images, setImages] = useState<Array<{ id: string; name: string }>>([]);
  useEffect(() => {
    let alive = true;
    listClassImages(datasetId, classId, THUMBNAILS_PER_CLASS).then(
      (list) => alive && setImages(list),
      () => alive && setImages([]),
    );
    return () => {
      alive = false;
    };
  }, [datasetId, classId, count, version]);
  if (count === 0) return <p className={styles.empty}>No images yet: drop images here, add files or record with the webcam.</p>;
  return (
    <div className={styles.thumbs} role="list" aria-label={`Example images of ${className}`}>
      {images.map((img) => (
        <span role="listitem" key={img.id}>
          <LocalThumb datasetId={datasetId} imageId={img.id} name={img.name} />
        </span>
      ))}
      {count > images.length && <span className={styles.more}>+{count - images.length}</span>}
    </div>
  );
}

export function ServerThumbnails({ datasetName, className, files, count }: { datasetName: string; className: string; files: string[]; count: number }) {
  const shown = files.slice(0, THUMBNAILS_PER_CLASS);
  return (
    <div className={styles.thumbs} role="list" aria-label={`Example images of ${className}`}>
      {shown.map((f) => (
        <span role="listitem" key={f} className={styles.thumb} title={f}>
          {/* eslint-disable-next-line @next/next/no-img-element -- tiny dataset thumbnails (object URLs / dataset files), nothing for next/image to optimise */}
          <img
            src={`/api/datasets/${encodeURIComponent(datasetName)}/${encodeURIComponent(className)}/${encodeURIComponent(f)}`}
            alt={f}
            width={48}
            height={48}
            loading="lazy"
            decoding="async"
          />
        </span>
      ))}
      {count > shown.length && <span className={styles.more}>+{count - shown.length}</span>}
    </div>
  );
}

/** Thumbnails of images served by URL (e.g. a dataset shared with a graph). */
export function UrlThumbnails({ className, images, count }: { className: string; images: Array<{ url: string; name: string }>; count: number }) {
  const shown = images.slice(0, THUMBNAILS_PER_CLASS);
  return (
    <div className={styles.thumbs} role="list" aria-label={`Example images of ${className}`}>
      {shown.map((img) => (
        <span role="listitem" key={img.url} className={styles.thumb} title={img.name}>
          {/* eslint-disable-next-line @next/next/no-img-element -- tiny dataset thumbnails (object URLs / dataset files), nothing for next/image to optimise */}
          <img src={img.url} alt={img.name} width={48} height={48} loading="lazy" decoding="async" />
        </span>
      ))}
      {count > shown.length && <span className={styles.more}>+{count - shown.length}</span>}
    </div>
  );
}
