import { describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { decodeBase64Image, textProblem } from './boundary';

describe('decodeBase64Image', () => {
  const bytes = Uint8Array.from([0xfb, 0xff, 0x00, 0x10, 0x3e]); // encodes with + and / in standard base64

  it('decodes standard base64, URL-safe base64 and data: URLs to the same bytes', () => {
    const standard = Buffer.from(bytes).toString('base64');
    const urlSafe = Buffer.from(bytes).toString('base64url');
    expect(standard).toMatch(/[+/]/);
    expect(urlSafe).toMatch(/[-_]/);
    for (const data of [standard, urlSafe, `data:image/png;base64,${standard}`]) {
      expect(Array.from(decodeBase64Image(data, 'Image "a.png"'))).toEqual(Array.from(bytes));
    }
  });

  it('refuses text that is not base64 with a 400 naming the image', () => {
    let error: unknown;
    try {
      decodeBase64Image('not base64!', 'Test image 3');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('BAD_REQUEST');
    expect((error as TRPCError).message).toBe('Test image 3 is not valid base64.');
  });
});

describe('textProblem', () => {
  it('flags a lone surrogate and NUL but accepts paired emoji', () => {
    expect(textProblem('ok 🌸')).toBeNull();
    expect(textProblem('bad \ud800')).toMatch(/lone UTF-16 surrogate/);
    expect(textProblem('a\u0000b')).toMatch(/NUL/);
  });
});
