'use client';
/** The train / validation / test split of the Dataset node: both fractions and the per-class counts they give. */
import { useEffect, useId, useState } from 'react';
import type { datasetReport } from '../issues';
import styles from './dataset.module.css';

export function SplitSection({
  report,
  testSplit,
  validationSplit,
  readOnly,
  onTestSplit,
  onValidationSplit,
}: {
  report: ReturnType<typeof datasetReport>;
  testSplit: number;
  validationSplit: number;
  readOnly: boolean;
  onTestSplit(v: number): void;
  onValidationSplit(v: number): void;
}) {
  const id = useId();
  const totals = report.split.reduce(
    (t, s) => ({ total: t.total + s.total, train: t.train + s.train, validation: t.validation + s.validation, test: t.test + s.test }),
    { total: 0, train: 0, validation: 0, test: 0 },
  );
  const [testText, setTestText] = useState(String(Math.round(testSplit * 100)));
  const [valText, setValText] = useState(String(Math.round(validationSplit * 100)));
  useEffect(() => setTestText(String(Math.round(testSplit * 100))), [testSplit]);
  useEffect(() => setValText(String(Math.round(validationSplit * 100))), [validationSplit]);

  const commitTest = (text: string) => {
    const v = Number(text) / 100;
    if (Number.isFinite(v) && v >= 0.05 && v <= 0.5) onTestSplit(Math.round(v * 100) / 100);
  };
  const commitValidation = (text: string) => {
    const v = Number(text) / 100;
    if (Number.isFinite(v) && v >= 0 && v <= 0.5) onValidationSplit(Math.round(v * 100) / 100);
  };

  return (
    <section className={styles.section} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`} className={styles.h}>
        Train / validation / test split
      </h3>
      <div className={styles.rowWrap}>
        <label htmlFor={`${id}-test`}>Test split (%)</label>
        <input
          id={`${id}-test`}
          className={styles.numberInput}
          type="number"
          min={5}
          max={50}
          step={5}
          value={testText}
          readOnly={readOnly}
          onChange={(e) => {
            setTestText(e.target.value);
            commitTest(e.target.value);
          }}
        />
        <label htmlFor={`${id}-val`}>Validation split (%)</label>
        <input
          id={`${id}-val`}
          className={styles.numberInput}
          type="number"
          min={0}
          max={50}
          step={5}
          value={valText}
          readOnly={readOnly}
          onChange={(e) => {
            setValText(e.target.value);
            commitValidation(e.target.value);
          }}
        />
      </div>
      <p className={styles.hint}>
        Test: {Math.round(testSplit * 100)}% of every class, never trained on. Validation: {Math.round(validationSplit * 100)}% of the rest,
        checked after every epoch (early stopping and tuning use it). Stratified and seeded: the same images land in the same split every
        run.
      </p>
      <table className={styles.table} aria-label="Split">
        <caption>Split</caption>
        <thead>
          <tr>
            <th scope="col">Class</th>
            <th scope="col">Images</th>
            <th scope="col">Train</th>
            <th scope="col">Validation</th>
            <th scope="col">Test</th>
          </tr>
        </thead>
        <tbody>
          {report.split.map((s) => (
            <tr key={s.label}>
              <th scope="row">{s.name}</th>
              <td>{s.total}</td>
              <td>{s.train}</td>
              <td>{s.validation}</td>
              <td>{s.test}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td>{totals.total}</td>
            <td>{totals.train}</td>
            <td>{totals.validation}</td>
            <td>{totals.test}</td>
          </tr>
        </tfoot>
      </table>
    </section>
  );
}
