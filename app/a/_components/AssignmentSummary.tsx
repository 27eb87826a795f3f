'use client';
/** Title-less summary of an assignment: instructions (plain text), classes, test set size, rules. */
import { metricName, type AssignmentInfo } from './Leaderboard';
import styles from './classroom.module.css';

export function AssignmentSummary({ info }: { info: Omit<AssignmentInfo, 'leaderboard'> }) {
  return (
    <>
      {info.instructions && <p className={styles.instructions}>{info.instructions}</p>}
      <p className="muted">
        Classes: {info.classes.join(', ')} · hidden test set: {info.testCount} images · ranked by {metricName(info.metric).toLowerCase()} ·{' '}
        {info.dailyLimit} submissions per day
        {info.deadline ? ` · deadline ${new Date(info.deadline).toLocaleString()}` : ''}
        {info.acceptingSubmissions ? '' : ' · submissions are closed'}
      </p>
    </>
  );
}
