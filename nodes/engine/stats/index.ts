/** Statistics for trustworthy results: paired tests, bootstrap intervals, repeat summaries, verdict texts. */
export * from './mcnemar';
export * from './bootstrap';
export * from './repeat-stats';
export * from './verdict';
export * from './compare';
