// The ids of stored rows (pulls, pushes…) as a payload carries them back: in a button's value, a modal's private
// metadata or a selected option.
import { z } from 'zod';

/**
 * The largest id a row can have: PostgreSQL's `integer`, the narrower of the two dialects' id columns. A larger
 * number names no row, and PostgreSQL refuses to compare a column with it (22003, out of range) rather than
 * finding nothing, so it is refused with the rest of a malformed payload.
 */
export const MAX_ROW_ID = 2_147_483_647;

/** A row's id. */
export const rowId = z.number().int().positive().max(MAX_ROW_ID);

/** A row's id written as text (a button's value, a selected option's value). */
export const rowIdText = z.coerce.number().pipe(rowId);
