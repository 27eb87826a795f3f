import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';

describe('toCsv', () => {
  it('quotes separators and quotes, and defuses spreadsheet formulas in names', () => {
    expect(toCsv([['a', 'b,c', 'say "hi"', 1, true], ['=HYPERLINK("x")', '-1', '@me', 0.5, false]])).toBe(
      'a,"b,c","say ""hi""",1,true\r\n"\'=HYPERLINK(""x"")",\'-1,\'@me,0.5,false\r\n',
    );
  });
});
