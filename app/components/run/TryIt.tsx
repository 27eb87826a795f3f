'use client';
/** "Try it": classify a dropped / chosen / webcam image with the model from the last run (in the worker). */
import { useCallback, useEffect, useRef, useState } from 'react';
import { getEngineClient } from '@/nodes/engine/host-browser/client';
import type { Prediction } from '@/nodes/engine/host-browser/protocol';
import { useRunStore } from '@/app/state/runStore';
import { TryItImage } from './views/TryItImage';
import styles from './run.module.css';

export function TryIt() {
  const hasModel = useRunStore((s) => s.hasTrainedModel);
  const [prediction, setPrediction] = useState<Prediction | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dragOver, setDragOver] = useState(false);
  const [camera, setCamera] = useState<MediaStream | null>(null);
  const video = useRef<HTMLVideoElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!hasModel) setPrediction(null);
  }, [hasModel]);

  useEffect(() => {
    if (video.current && camera) {
      video.current.srcObject = camera;
      void video.current.play().catch(() => undefined);
    }
    return () => undefined;
  }, [camera]);

  useEffect(() => () => camera?.getTracks().forEach((t) => t.stop()), [camera]);

  const classify = useCallback(async (source: Blob | ImageBitmap, previewUrl: string | null) => {
    setError(null);
    setBusy(true);
    try {
      const bitmap = source instanceof Blob ? await createImageBitmap(source) : source;
      setPreview((old) => {
        if (old?.startsWith('blob:')) URL.revokeObjectURL(old);
        return previewUrl;
      });
      const result = await getEngineClient().request('predict', { image: bitmap }, [bitmap]);
      setPrediction(result);
    } catch (e) {
      setError((e as Error).message.includes('decode') || (e as Error).name === 'InvalidStateError'
        ? 'That file could not be read as an image.'
        : (e as Error).message);
    } finally {
      setBusy(false);
    }
  }, []);

  const onFiles = (files: FileList | null) => {
    const file = files?.[0];
    if (!file) return;
    if (!file.type.startsWith('image/') && !/\.(jpe?g|png|gif|webp|bmp|avif)$/i.test(file.name)) {
      setError(`"${file.name}" is not an image.`);
      return;
    }
    void classify(file, URL.createObjectURL(file));
  };

  const startCamera = async () => {
    setError(null);
    try {
      setCamera(await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 } }));
    } catch (e) {
      setError(`Webcam not available: ${(e as Error).message}`);
    }
  };
  const stopCamera = () => {
    camera?.getTracks().forEach((t) => t.stop());
    setCamera(null);
  };
  const capture = async () => {
    const v = video.current;
    if (!v || !v.videoWidth) return;
    const canvas = document.createElement('canvas');
    canvas.width = v.videoWidth;
    canvas.height = v.videoHeight;
    canvas.getContext('2d')?.drawImage(v, 0, 0);
    const url = canvas.toDataURL('image/jpeg', 0.85);
    await classify(await createImageBitmap(canvas), url);
  };

  const ranked = prediction
    ? prediction.labels.map((label, i) => ({ label, p: prediction.probabilities[i] ?? 0 })).sort((a, b) => b.p - a.p)
    : [];

  return (
    <div role="region" aria-label="Try it" className={styles.tryIt}>
      <h3 className={styles.cardTitle}>Try it</h3>
      {!hasModel ? (
        <p className="muted">After a successful run, drop an image here to see what the trained model predicts.</p>
      ) : (
        <>
          <div
            className={`${styles.dropZone} ${dragOver ? styles.dropZoneActive : ''}`}
            onDragOver={(e) => {
              e.preventDefault();
              setDragOver(true);
            }}
            onDragLeave={() => setDragOver(false)}
            onDrop={(e) => {
              e.preventDefault();
              setDragOver(false);
              onFiles(e.dataTransfer.files);
            }}
            aria-label="Drop zone for Try it"
            role="group"
          >
            <span>Drop an image here, or</span>
            <button type="button" className="btn btn-small" onClick={() => fileInput.current?.click()}>
              Choose image…
            </button>
            {/* The button opens it; out of the tab order so keyboard users meet one control, not two. */}
            <input
              ref={fileInput}
              type="file"
              accept="image/*"
              className="sr-only"
              tabIndex={-1}
              aria-label="Image to classify"
              onChange={(e) => {
                onFiles(e.target.files);
                e.target.value = '';
              }}
            />
            {camera ? (
              <button type="button" className="btn btn-small" onClick={stopCamera}>
                Stop webcam
              </button>
            ) : (
              <button type="button" className="btn btn-small" onClick={startCamera}>
                Use webcam
              </button>
            )}
          </div>
          {camera && (
            <div className={styles.webcam}>
              <video ref={video} muted playsInline width={200} height={150} aria-label="Webcam preview" />
              <button type="button" className="btn btn-small btn-primary" onClick={capture} disabled={busy}>
                Capture
              </button>
            </div>
          )}
          {busy && <p role="status">Classifying…</p>}
          {error && <p className={styles.errorText} role="alert">{error}</p>}
          {prediction && (
            <div className={styles.predictRow}>
              {preview && <TryItImage preview={preview} className={styles.predictImage} />}
              <ol className={styles.bars} aria-label="Predictions">
                {ranked.map(({ label, p }) => (
                  <li key={label} className={styles.barRow} aria-label={`${label}: ${(p * 100).toFixed(1)}%`}>
                    <span className={styles.barLabel}>{label}</span>
                    <span className={styles.barTrack} aria-hidden="true">
                      <span className={styles.barFill} style={{ width: `${Math.max(0.5, p * 100)}%` }} />
                    </span>
                    <span className={styles.barValue}>{(p * 100).toFixed(1)}%</span>
                  </li>
                ))}
              </ol>
            </div>
          )}
        </>
      )}
    </div>
  );
}
