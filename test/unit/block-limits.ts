// A compact, pure check of Slack's Block Kit limits, for builder tests (the fake Slack has its own, stricter one).
// https://docs.slack.dev/reference/block-kit/blocks · https://docs.slack.dev/reference/block-kit/block-elements
// https://docs.slack.dev/reference/block-kit/composition-objects · https://docs.slack.dev/reference/views

type Node = Record<string, unknown>;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Every string anywhere in `value`: none may hold half a character. */
function strings(value: unknown, path: string, out: [string, string][]): [string, string][] {
  if (typeof value === 'string') out.push([path, value]);
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) strings(v, `${path}[${i}]`, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) strings(v, `${path}.${k}`, out);
  return out;
}

export function checkLimits(surface: 'message' | 'modal' | 'home', payload: Node): string[] {
  const errors: string[] = [];
  const fail = (path: string, rule: string): void => {
    errors.push(`${path}: ${rule}`);
  };
  const text = (path: string, t: unknown, max: number, kind?: 'plain_text' | 'mrkdwn') => {
    const o = t as Node | undefined;
    if (!o || typeof o.text !== 'string') return fail(path, 'text object without text');
    if (kind && o.type !== kind) fail(path, `must be ${kind}`);
    if (o.text.length < 1) fail(path, 'empty text');
    if (o.text.length > max) fail(path, `text ${o.text.length} > ${max}`);
  };
  const id = (path: string, value: unknown) => {
    if (value !== undefined && (typeof value !== 'string' || value.length > 255)) fail(path, 'id > 255');
  };
  const options = (path: string, list: unknown, max: number) => {
    const opts = (list as Node[] | undefined) ?? [];
    if (opts.length < 1 || opts.length > max) fail(path, `${opts.length} options (1..${max})`);
    opts.forEach((o, i) => {
      text(`${path}[${i}].text`, o.text, 75);
      if (typeof o.value !== 'string' || o.value.length > 150) fail(`${path}[${i}].value`, 'value > 150');
    });
    return opts;
  };
  const element = (path: string, e: Node, actionIds: Set<string>) => {
    id(`${path}.action_id`, e.action_id);
    if (typeof e.action_id === 'string') {
      if (actionIds.has(e.action_id)) fail(path, `duplicate action_id ${e.action_id} in a block`);
      actionIds.add(e.action_id);
    }
    switch (e.type) {
      case 'button':
        text(`${path}.text`, e.text, 75, 'plain_text');
        if (typeof e.value === 'string' && e.value.length > 2000) fail(path, 'button value > 2000');
        break;
      case 'static_select': {
        const opts = options(`${path}.options`, e.options, 100);
        if (e.initial_option && !opts.some((o) => JSON.stringify(o) === JSON.stringify(e.initial_option)))
          fail(path, 'initial_option is not one of the options');
        break;
      }
      case 'checkboxes': {
        const opts = options(`${path}.options`, e.options, 10);
        for (const initial of (e.initial_options as Node[] | undefined) ?? [])
          if (!opts.some((o) => JSON.stringify(o) === JSON.stringify(initial)))
            fail(path, 'initial_options must be among the options');
        break;
      }
      case 'plain_text_input': {
        const max = typeof e.max_length === 'number' ? e.max_length : 3000;
        if (max > 3000) fail(path, 'max_length > 3000');
        if (typeof e.initial_value === 'string' && e.initial_value.length > max)
          fail(path, `initial_value ${e.initial_value.length} > max_length ${max}`);
        if (e.placeholder) text(`${path}.placeholder`, e.placeholder, 150, 'plain_text');
        break;
      }
    }
  };

  const blocks = (payload.blocks as Node[] | undefined) ?? [];
  const maxBlocks = surface === 'message' ? 50 : 100;
  if (blocks.length > maxBlocks) fail('blocks', `${blocks.length} blocks > ${maxBlocks}`);
  if (surface === 'message' && blocks.length > 0 && !(typeof payload.text === 'string' && payload.text))
    fail('text', 'a message with blocks needs a text fallback');
  const blockIds = new Set<string>();
  blocks.forEach((b, i) => {
    const path = `blocks[${i}]`;
    id(`${path}.block_id`, b.block_id);
    if (typeof b.block_id === 'string') {
      if (blockIds.has(b.block_id)) fail(path, `duplicate block_id ${b.block_id}`);
      blockIds.add(b.block_id);
    }
    const actionIds = new Set<string>();
    switch (b.type) {
      case 'section':
        if (!b.text && !b.fields) fail(path, 'section needs text or fields');
        if (b.text) text(`${path}.text`, b.text, 3000);
        if (b.fields) {
          const fields = b.fields as Node[];
          if (fields.length > 10) fail(path, 'more than 10 fields');
          for (const [j, f] of fields.entries()) text(`${path}.fields[${j}]`, f, 2000);
        }
        if (b.accessory) element(`${path}.accessory`, b.accessory as Node, actionIds);
        break;
      case 'context': {
        const elements = (b.elements as Node[] | undefined) ?? [];
        if (elements.length < 1 || elements.length > 10) fail(path, `${elements.length} context elements`);
        for (const [j, e] of elements.entries()) text(`${path}.elements[${j}]`, e, 3000);
        break;
      }
      case 'actions': {
        const elements = (b.elements as Node[] | undefined) ?? [];
        if (elements.length < 1 || elements.length > 25) fail(path, `${elements.length} actions elements`);
        for (const [j, e] of elements.entries()) element(`${path}.elements[${j}]`, e, actionIds);
        break;
      }
      case 'header':
        text(`${path}.text`, b.text, 150, 'plain_text');
        break;
      case 'input':
        if (surface === 'message') fail(path, 'input blocks belong in views');
        text(`${path}.label`, b.label, 2000, 'plain_text');
        if (b.hint) text(`${path}.hint`, b.hint, 2000, 'plain_text');
        element(`${path}.element`, b.element as Node, actionIds);
        break;
      case 'divider':
        break;
      default:
        fail(path, `unknown block type ${String(b.type)}`);
    }
  });

  if (surface === 'modal') {
    text('title', payload.title, 24, 'plain_text');
    if (payload.submit) text('submit', payload.submit, 24, 'plain_text');
    if (payload.close) text('close', payload.close, 24, 'plain_text');
    id('callback_id', payload.callback_id);
  }
  if (
    surface !== 'message' &&
    typeof payload.private_metadata === 'string' &&
    payload.private_metadata.length > 3000
  )
    fail('private_metadata', '> 3000');
  for (const [path, s] of strings(payload, '', [])) if (LONE_SURROGATE.test(s)) fail(path, 'lone surrogate');
  return errors;
}
