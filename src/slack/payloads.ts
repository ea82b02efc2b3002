// zod schemas for the parts of Slack's payloads that listeners rely on. Anything else in a payload is ignored.
import { z } from 'zod';
import { rowId, rowIdText } from '../domain/ids.js';
import { submissionKey } from '../domain/requests.js';
import { markupTokens } from '../domain/text.js';
import { literal } from './text.js';

export const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/);

export const commandSchema = z.object({
  user_id: userId,
  team_id: z.string().optional(),
  text: z.string().default(''),
  trigger_id: z.string().min(1),
});

export const blockActionSchema = z.object({
  user: z.object({ id: userId, team_id: z.string().optional() }),
  team: z.object({ id: z.string() }).nullish(),
  trigger_id: z.string().optional(),
  response_url: z.string().optional(),
  container: z.object({ type: z.string() }).partial().passthrough().optional(),
  view: z.object({ id: z.string(), type: z.string().optional() }).passthrough().optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() }).passthrough()).min(1),
});

export const viewSubmissionSchema = z.object({
  user: z.object({ id: userId, team_id: z.string().optional() }),
  team: z.object({ id: z.string() }).nullish(),
  view: z.object({
    id: z.string().optional(),
    hash: z.string().optional(),
    private_metadata: z.string().optional().default(''),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), z.unknown())) }),
  }),
});

export const globalShortcutSchema = z.object({
  user: z.object({ id: userId, team_id: z.string().optional() }),
  team: z.object({ id: z.string() }).nullish(),
  trigger_id: z.string().min(1),
});

// Readers for `state.values`: each returns undefined for a missing field or one of the wrong type.
type Values = Record<string, Record<string, unknown>>;

const element = (values: Values, block: string): unknown => {
  const inner = values[block];
  if (!inner || typeof inner !== 'object') return undefined;
  const first = Object.values(inner)[0];
  return first && typeof first === 'object' ? first : undefined;
};

/** A text input's value. Modal values arrive raw, exactly as typed: stored as typed text (see text.ts). */
export function textValue(values: Values, block: string, keep: readonly string[] = []): string | undefined {
  const r = z.object({ value: z.string().nullish() }).safeParse(element(values, block));
  return r.success && r.data.value != null ? literal(r.data.value, keep) : undefined;
}

const prefillSchema = z.object({ keep: z.array(z.string().max(300)).max(100) });

/** The pull form's private_metadata: the markup its prefilled request holds (see `literal`). */
export function prefillMetadata(stored: string | undefined): string | undefined {
  const keep = stored ? markupTokens(stored) : [];
  return keep.length > 0 ? JSON.stringify({ keep }) : undefined;
}

/** The markup tokens a prefilled form may send back as markup; none when the metadata says nothing of it. */
export function keptMarkup(privateMetadata: string): string[] {
  try {
    const parsed = prefillSchema.safeParse(JSON.parse(privateMetadata));
    return parsed.success ? parsed.data.keep : [];
  } catch {
    return [];
  }
}

/** The edit form's private_metadata: which pull, and the markup its prefilled request and context hold. */
export function editMetadata(pullId: number, need: string, context: string | null): string {
  const keep = [...new Set([...markupTokens(need), ...markupTokens(context ?? '')])];
  const full = JSON.stringify({ pullId, keep });
  // Slack holds 3,000 characters of metadata: the pull id must fit; kept markup then only as far as it does.
  return full.length <= 3000 ? full : JSON.stringify({ pullId, keep: [] });
}

export const editMetadataSchema = z.object({ pullId: rowId });

export function selectedUser(values: Values, block: string): string | undefined {
  const r = z.object({ selected_user: userId.nullish() }).safeParse(element(values, block));
  return r.success ? (r.data.selected_user ?? undefined) : undefined;
}

export function selectedOption(values: Values, block: string): string | undefined {
  const r = z
    .object({ selected_option: z.object({ value: z.string() }).nullish() })
    .safeParse(element(values, block));
  return r.success ? r.data.selected_option?.value : undefined;
}

/** The row a selected option names (a push), or undefined when it names none. */
export function selectedRowId(values: Values, block: string): number | undefined {
  return rowIdText.safeParse(selectedOption(values, block)).data;
}

export function selectedDate(values: Values, block: string): string | undefined {
  const r = z
    .object({
      selected_date: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/)
        .nullish(),
    })
    .safeParse(element(values, block));
  return r.success ? (r.data.selected_date ?? undefined) : undefined;
}

export function checkedValues(values: Values, block: string): string[] | undefined {
  const r = z
    .object({ selected_options: z.array(z.object({ value: z.string() })).nullish() })
    .safeParse(element(values, block));
  return r.success ? (r.data.selected_options ?? []).map((o) => o.value) : undefined;
}

export function parseMetadata<T extends z.ZodType>(schema: T, raw: string): z.infer<T> | undefined {
  try {
    const r = schema.safeParse(JSON.parse(raw));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/** A view submission whose private_metadata must match `schema`; undefined when either part is malformed. */
/** The key a submission is deduplicated on, when Slack named its view (it always does). */
export function submissionKeyOf(submission: { view: { id?: string; hash?: string } }): string | undefined {
  const { id, hash } = submission.view;
  return id && hash ? submissionKey(id, hash) : undefined;
}

export function submissionWithMetadata<T extends z.ZodType>(body: unknown, schema: T) {
  const parsed = viewSubmissionSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const metadata = parseMetadata(schema, parsed.data.view.private_metadata);
  return metadata === undefined ? undefined : { submission: parsed.data, metadata };
}
