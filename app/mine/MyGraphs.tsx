'use client';
import { useEffect, useState } from 'react';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { TrpcQueryProvider, useTRPC } from '@/app/lib/trpcProvider';
import { allEditTokens } from '@/app/components/persistence/editTokens';
import styles from '@/app/components/persistence/persistence.module.css';

export function MyGraphs() {
  return (
    <TrpcQueryProvider>
      <MyGraphsList />
    </TrpcQueryProvider>
  );
}

function MyGraphsList() {
  const trpc = useTRPC();
  // localStorage is only readable after hydration.
  const [entries, setEntries] = useState<{ id: string; editToken: string }[] | null>(null);
  useEffect(() => setEntries(allEditTokens()), []);
  const query = useQuery({ ...trpc.graph.listMine.queryOptions({ graphs: entries ?? [] }), enabled: entries !== null });

  return (
    <main className={styles.page}>
      <div className={styles.pageHeader}>
        <h1>My graphs</h1>
        <Link className="btn btn-primary" href="/">
          New graph
        </Link>
      </div>
      <p className={styles.small}>
        Graphs this browser can edit. Graft has no accounts: editing rights live in this browser, so use the same browser to come back
        to them (share links let anyone view and fork).
      </p>
      {(entries === null || query.isPending) && <p role="status">Loading your graphs…</p>}
      {query.isError && <p role="alert">Could not load your graphs: {query.error.message}</p>}
      {query.data && query.data.length === 0 && <p>No saved graphs yet. Edit a graph and it is saved automatically.</p>}
      {query.data && query.data.length > 0 && (
        <table className={styles.table} aria-label="My graphs">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Updated</th>
              <th scope="col">Version</th>
              <th scope="col">
                <span className="sr-only">Open</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {query.data.map((g) => (
              <tr key={g.id}>
                <td>{g.name || 'Untitled pipeline'}</td>
                <td>
                  <time dateTime={g.updatedAt}>{new Date(g.updatedAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}</time>
                </td>
                <td>v{g.version}</td>
                <td>
                  <Link href={`/g/${g.id}`} aria-label={`Open ${g.name || 'Untitled pipeline'}`}>
                    Open
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
