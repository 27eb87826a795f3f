'use client';
/** Best submission per student (ties: earliest first), with a link to the exact graph version that made it. */
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/trpc/router';
import styles from './classroom.module.css';

export type AssignmentInfo = inferRouterOutputs<AppRouter>['assignment']['get'];
export type LeaderboardEntry = AssignmentInfo['leaderboard'][number];

export const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
export const metricName = (m: AssignmentInfo['metric']) => (m === 'macroF1' ? 'Macro-F1' : 'Accuracy');
export const graphVersionHref = (graphId: string, version: number) => `/g/${encodeURIComponent(graphId)}?v=${version}`;

export function Leaderboard({ info, highlight }: { info: AssignmentInfo; highlight?: string | null }) {
  if (info.leaderboard.length === 0) return <p className="muted">No submissions yet.</p>;
  return (
    <table className={styles.table} aria-label="Leaderboard">
      <thead>
        <tr>
          <th className={styles.num}>Rank</th>
          <th>Student</th>
          <th className={styles.num}>{metricName(info.metric)}</th>
          <th className={styles.num}>{info.metric === 'macroF1' ? 'Accuracy' : 'Macro-F1'}</th>
          <th className={styles.num}>Submissions</th>
          <th>Graph</th>
        </tr>
      </thead>
      <tbody>
        {info.leaderboard.map((e) => (
          <tr key={`${e.rank}-${e.displayName}`} aria-current={highlight === e.displayName ? 'true' : undefined}>
            <td className={styles.num}>{e.rank}</td>
            <td>{e.displayName}</td>
            <td className={styles.num}>{pct(e.score)}</td>
            <td className={styles.num}>{pct(info.metric === 'macroF1' ? e.accuracy : e.macroF1)}</td>
            <td className={styles.num}>{e.submissions}</td>
            <td>
              <a href={graphVersionHref(e.graphId, e.version)} target="_blank" rel="noopener">
                version {e.version}
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
