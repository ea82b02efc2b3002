import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, neutralized, toCsv, toJsonLines } from '../../src/export/formats.js';

/** An RFC 4180 reader, written here from the RFC so the writer is checked against something independent. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i += 1;
      } else {
        field += c;
        i += 1;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
      i += 1;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i += 1;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else {
      // A bare quote, CR or LF outside quotes is not RFC 4180: the writer must never leave one there.
      if (c === '"' || c === '\r' || c === '\n') throw new Error(`unquoted ${JSON.stringify(c)} at ${i}`);
      field += c;
      i += 1;
    }
  }
  if (field !== '' || row.length > 0) throw new Error('last line without CRLF');
  return rows;
}

const awkward = fc.string({
  unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\r', '\n', '\t', '=', '+', '-', '@', "'", 'é', '🎉', '0'),
  maxLength: 12,
});

describe('CSV export', () => {
  it('reads back as the cells written, whatever they hold (property)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 5 })
          .chain((width) =>
            fc.tuple(
              fc.constant(width),
              fc.array(fc.array(awkward, { minLength: width, maxLength: width }), { maxLength: 8 }),
            ),
          ),
        ([width, cells]) => {
          const columns = Array.from({ length: width }, (_, i) => `c${i}`);
          const rows = cells.map((r) => Object.fromEntries(r.map((v, i) => [`c${i}`, v])));
          const parsed = parseCsv(toCsv(columns, rows));
          expect(parsed[0]).toEqual(columns);
          expect(parsed.slice(1)).toEqual(cells.map((r) => r.map(neutralized)));
        },
      ),
    );
  });

  it('never starts a cell with what a spreadsheet would run (property)', () => {
    fc.assert(
      fc.property(awkward, (text) => {
        const [cell] = parseCsv(`${csvField(text)}\r\n`)[0] ?? [];
        expect(cell).not.toMatch(/^[=+\-@\t\r]/);
        // Only a leading apostrophe is added, and only when needed: the text after it is untouched.
        expect(cell === text || cell === `'${text}`).toBe(true);
      }),
    );
  });

  it('neutralizes formulas with a leading apostrophe, and leaves numbers and plain text alone', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2')).toBe("'-2");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tcmd')).toBe("'\tcmd");
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField(42)).toBe('42');
    expect(csvField(true)).toBe('true');
    expect(csvField(null)).toBe('');
  });

  it('writes JSON lines with the text exactly as stored', () => {
    const out = toJsonLines(
      ['id', 'need'],
      [
        { id: 1, need: '=1+1, "q"\nnext' },
        { id: 2, need: null },
      ],
    );
    expect(
      out
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
    ).toEqual([
      { id: 1, need: '=1+1, "q"\nnext' },
      { id: 2, need: null },
    ]);
  });
});
