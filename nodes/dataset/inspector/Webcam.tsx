'use client';
/**
 * Webcam capture per class: one shared camera preview, and a press-and-hold "Record webcam burst for <class>"
 * button that grabs a frame every ~120 ms while held (mouse, touch, or Space/Enter held down).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import styles from './dataset.module.css';

/** Frames are stored at most this large (longer side): plenty for 224-px models, small in IndexedDB. */
const FRAME_MAX_SIDE = 320;
const FRAME_INTERVAL_MS = 120;
const MAX_FRAMES_PER_BURST = 300;

export function webcamErrorMessage(e: unknown): string {
  const name = (e as { name?: string })?.name ?? '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Camera access was denied. Allow the camera for this site (the camera icon in the address bar), then try again.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera was found. Connect a webcam, or upload images instead.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The camera could not be started; another app may be using it.';
    default:
      return `The camera could not be started (${(e as Error)?.message || 'unknown error'}).`;
  }
}

export function webcamSupported(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function';
}

export interface Webcam {
  active: boolean;
  message: string | null;
  start(): Promise<boolean>;
  stop(): void;
  captureFrame(): Promise<Blob | null>;
  videoRef: React.RefObject<HTMLVideoElement | null>;
}

export function useWebcam(): Webcam {
  const videoRef = useRef<HTMLVideoElement>(null);
  const streamRef = useRef<MediaStream | null>(null);
  const [active, setActive] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  const stop = useCallback(() => {
    streamRef.current?.getTracks().forEach((t) => t.stop());
    streamRef.current = null;
    if (videoRef.current) videoRef.current.srcObject = null;
    setActive(false);
  }, []);

  const start = useCallback(async () => {
    if (streamRef.current) return true;
    if (!webcamSupported()) {
      setMessage(
        'Webcam capture is not available here: the browser offers no camera access (it needs a secure https:// or localhost page). Upload images instead.',
      );
      return false;
    }
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
      streamRef.current = stream;
      setActive(true);
      setMessage(null);
      const video = videoRef.current;
      if (video) {
        video.srcObject = stream;
        await video.play().catch(() => undefined);
      }
      return true;
    } catch (e) {
      setMessage(webcamErrorMessage(e));
      return false;
    }
  }, []);

  // Attach the stream when the <video> mounts after `active` flips.
  useEffect(() => {
    const video = videoRef.current;
    if (active && video && streamRef.current && video.srcObject !== streamRef.current) {
      video.srcObject = streamRef.current;
      void video.play().catch(() => undefined);
    }
  }, [active]);

  useEffect(() => stop, [stop]);

  const captureFrame = useCallback(async (): Promise<Blob | null> => {
    const video = videoRef.current;
    if (!video || video.readyState < 2 || !video.videoWidth) return null;
    const scale = Math.min(1, FRAME_MAX_SIDE / Math.max(video.videoWidth, video.videoHeight));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    canvas.getContext('2d')?.drawImage(video, 0, 0, canvas.width, canvas.height);
    return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.9));
  }, []);

  return { active, message, start, stop, captureFrame, videoRef };
}

export function WebcamPreview({ webcam, disabled }: { webcam: Webcam; disabled: boolean }) {
  return (
    <div className={styles.webcam}>
      <div className={styles.rowWrap}>
        {webcam.active ? (
          <button type="button" className="btn btn-small" onClick={webcam.stop}>
            Stop webcam
          </button>
        ) : (
          <button type="button" className="btn btn-small" disabled={disabled} onClick={() => void webcam.start()}>
            Start webcam
          </button>
        )}
        <span className="muted">Hold a class’s record button to capture a burst of frames.</span>
      </div>
      {webcam.message && (
        <p role="alert" className={styles.error}>
          {webcam.message}
        </p>
      )}
      <video ref={webcam.videoRef} className={styles.video} hidden={!webcam.active} muted playsInline aria-label="Webcam preview" />
    </div>
  );
}

/** Press and hold to record; frames are handed over when released. */
export function RecordBurstButton({
  webcam,
  className,
  disabled,
  onFrames,
}: {
  webcam: Webcam;
  className: string;
  disabled: boolean;
  onFrames(frames: Blob[]): void;
}) {
  const [recording, setRecording] = useState(false);
  const [count, setCount] = useState(0);
  const holding = useRef(false);
  const frames = useRef<Blob[]>([]);

  const begin = async () => {
    if (holding.current || disabled) return;
    holding.current = true;
    frames.current = [];
    setCount(0);
    if (!(await webcam.start())) {
      holding.current = false;
      return;
    }
    setRecording(true);
    // Give a just-started camera a moment to deliver frames.
    while (holding.current && frames.current.length < MAX_FRAMES_PER_BURST) {
      const frame = await webcam.captureFrame();
      if (frame && holding.current) {
        frames.current.push(frame);
        setCount(frames.current.length);
      }
      await new Promise((r) => setTimeout(r, FRAME_INTERVAL_MS));
    }
  };
  const end = () => {
    if (!holding.current) return;
    holding.current = false;
    setRecording(false);
    const captured = frames.current;
    frames.current = [];
    if (captured.length > 0) onFrames(captured);
  };

  return (
    <button
      type="button"
      className={`btn btn-small${recording ? ` ${styles.recording}` : ''}`}
      aria-label={`Record webcam burst for ${className}`}
      aria-pressed={recording}
      disabled={disabled}
      title="Press and hold to record"
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture?.(e.pointerId);
        void begin();
      }}
      onPointerUp={end}
      onPointerCancel={end}
      onLostPointerCapture={end}
      onKeyDown={(e) => {
        if ((e.key === ' ' || e.key === 'Enter') && !e.repeat) {
          e.preventDefault();
          void begin();
        }
      }}
      onKeyUp={(e) => {
        if (e.key === ' ' || e.key === 'Enter') end();
      }}
      onBlur={end}
    >
      {recording ? `Recording… ${count}` : 'Hold to record'}
    </button>
  );
}
