'use client';
/** The one-paragraph student explanation every view carries (collapsed by default). */
import styles from './views.module.css';

export function ViewExplanation({ title, text }: { title: string; text: string }) {
  return (
    <details className={styles.explanation}>
      <summary>{title}</summary>
      <p>{text}</p>
    </details>
  );
}
