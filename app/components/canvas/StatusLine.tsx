'use client';
/** Transient status messages over the canvas: info is polite (role="status"), errors interrupt (role="alert"). */
import { useToastStore } from '@/app/lib/toastStore';

export function StatusLine() {
  const toast = useToastStore((s) => s.toast);
  const dismiss = useToastStore((s) => s.dismiss);
  return (
    <div className="status-area">
      <div role="status" aria-live="polite" className={toast?.kind === 'info' ? 'toast toast-info' : 'sr-only'}>
        {toast?.kind === 'info' ? toast.message : ''}
      </div>
      {toast?.kind === 'error' && (
        <div className="toast toast-error">
          <span role="alert">{toast.message}</span>
          <button type="button" className="toast-close" onClick={dismiss} aria-label="Dismiss message">
            <span aria-hidden="true">✕</span>
          </button>
        </div>
      )}
    </div>
  );
}
