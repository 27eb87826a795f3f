'use client';
/** "Clear feature cache": empties the engine's trunk-feature cache (worker memory and IndexedDB). */
import { useState } from 'react';
import { getEngineClient } from '@/nodes/engine/host-browser/client';
import styles from './run.module.css';

export function ClearFeatureCacheButton() {
  const [state, setState] = useState<'idle' | 'clearing' | 'cleared' | 'failed'>('idle');
  const clear = async () => {
    setState('clearing');
    try {
      await getEngineClient().request('clear-feature-cache', {});
      setState('cleared');
    } catch {
      setState('failed');
    }
  };
  return (
    <>
      <button type="button" className={styles.badgeSoft} onClick={() => void clear()} disabled={state === 'clearing'}>
        Clear feature cache
      </button>
      {state === 'cleared' && <span role="status" className={styles.badgeSoft}>feature cache cleared</span>}
      {state === 'failed' && <span role="status" className={styles.badgeSoft}>could not clear the feature cache</span>}
    </>
  );
}
