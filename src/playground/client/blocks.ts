// A small Block Kit renderer: whatever blocks the app sends, drawn close enough to Slack to be obvious.
// Interactive elements call `act` with the action Slack would put in a block_actions payload.
import type { Json } from '../shapes.js';
import { mrkdwn, type Names, plain } from './mrkdwn.js';

export interface RenderContext {
  names: Names;
  people: { id: string; name: string }[];
  conversations: { id: string; name: string }[];
  /** A button pressed or an option picked outside an input block (or with dispatch_action). */
  act: (action: Json) => void;
  /** Modal field errors by block_id (response_action: errors). */
  errors?: Record<string, string>;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls?: string,
  html?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (html !== undefined) e.innerHTML = html;
  return e;
}

export function text(t: unknown, names: Names): string {
  if (!isObject(t)) return '';
  return t.type === 'mrkdwn' ? mrkdwn(str(t.text), names) : plain(str(t.text), t.emoji !== false);
}

/** Asks before acting when the element carries a confirmation dialog, as Slack does. */
function confirmed(element: Json, names: Names, go: () => void): void {
  const c = element.confirm;
  if (!isObject(c)) {
    go();
    return;
  }
  const shade = el('div', 'shade confirm');
  const box = el('div', 'modal small');
  box.append(el('h2', '', text(c.title, names)), el('div', 'body', text(c.text, names)));
  const buttons = el('div', 'modal-buttons');
  const deny = el('button', 'btn', text(c.deny, names) || 'Cancel');
  const ok = el(
    'button',
    `btn ${c.style === 'danger' ? 'danger' : 'primary'}`,
    text(c.confirm, names) || 'Confirm',
  );
  deny.onclick = () => shade.remove();
  ok.onclick = () => {
    shade.remove();
    go();
  };
  buttons.append(deny, ok);
  box.append(buttons);
  shade.append(box);
  document.body.append(shade);
}

function optionOf(options: Json[], value: string): Json | undefined {
  return options.find((o) => str(o.value) === value);
}

function optionsOf(element: Json): Json[] {
  if (Array.isArray(element.options)) return element.options.filter(isObject);
  if (Array.isArray(element.option_groups))
    return element.option_groups
      .filter(isObject)
      .flatMap((g) => (Array.isArray(g.options) ? g.options.filter(isObject) : []));
  return [];
}

function select(
  choices: { value: string; label: string }[],
  placeholder: string,
  initial?: string,
): HTMLSelectElement {
  const s = el('select');
  const none = el('option');
  none.value = '';
  none.textContent = placeholder || 'Choose…';
  s.append(none);
  for (const c of choices) {
    const o = el('option');
    o.value = c.value;
    o.textContent = c.label;
    s.append(o);
  }
  s.value = initial ?? '';
  return s;
}

/** An interactive element. In an input block it only holds a value (read on submit) unless it dispatches. */
export function element(e: Json, blockId: string, ctx: RenderContext, inInput: boolean): HTMLElement {
  const type = str(e.type);
  const actionId = str(e.action_id);
  const base = { type, action_id: actionId, block_id: blockId };
  const fire = (extra: Json) => confirmed(e, ctx.names, () => ctx.act({ ...base, ...extra }));
  const dispatches = !inInput || e.dispatch_action === true;
  const placeholder = isObject(e.placeholder) ? str(e.placeholder.text) : '';
  const wrap = (node: HTMLElement) => {
    node.dataset.actionId = actionId;
    node.dataset.type = type;
    return node;
  };
  switch (type) {
    case 'button': {
      const b = el('button', `btn ${str(e.style)}`, text(e.text, ctx.names));
      if (typeof e.url === 'string') b.onclick = () => window.open(str(e.url), '_blank');
      else b.onclick = () => fire({ text: e.text, value: e.value ?? '' });
      return wrap(b);
    }
    case 'overflow': {
      const options = optionsOf(e);
      const s = select(
        options.map((o) => ({ value: str(o.value), label: isObject(o.text) ? str(o.text.text) : '' })),
        '⋯',
      );
      s.className = 'overflow';
      s.onchange = () => {
        const picked = optionOf(options, s.value);
        s.value = '';
        if (picked) fire({ selected_option: picked });
      };
      return wrap(s);
    }
    case 'static_select':
    case 'radio_buttons':
    case 'checkboxes': {
      const options = optionsOf(e);
      const initial = isObject(e.initial_option) ? str(e.initial_option.value) : undefined;
      if (type === 'static_select') {
        const s = select(
          options.map((o) => ({ value: str(o.value), label: isObject(o.text) ? str(o.text.text) : '' })),
          placeholder,
          initial,
        );
        if (dispatches)
          s.onchange = () => {
            const picked = optionOf(options, s.value);
            if (picked) fire({ selected_option: picked });
          };
        return wrap(s);
      }
      const box = el('div', 'choices');
      const chosen = new Set(
        Array.isArray(e.initial_options) ? e.initial_options.filter(isObject).map((o) => str(o.value)) : [],
      );
      for (const o of options) {
        const label = el('label');
        const input = el('input');
        input.type = type === 'radio_buttons' ? 'radio' : 'checkbox';
        input.name = `${blockId}.${actionId}`;
        input.value = str(o.value);
        input.checked = type === 'radio_buttons' ? str(o.value) === initial : chosen.has(str(o.value));
        label.append(input, el('span', '', text(o.text, ctx.names)));
        box.append(label);
      }
      return wrap(box);
    }
    case 'users_select':
    case 'conversations_select':
    case 'channels_select': {
      const list =
        type === 'users_select'
          ? ctx.people.map((p) => ({ value: p.id, label: p.name }))
          : ctx.conversations.map((c) => ({ value: c.id, label: c.name }));
      const initial = str(e.initial_user ?? e.initial_conversation ?? e.initial_channel) || undefined;
      const s = select(list, placeholder, initial);
      const key =
        type === 'users_select'
          ? 'selected_user'
          : type === 'channels_select'
            ? 'selected_channel'
            : 'selected_conversation';
      if (dispatches) s.onchange = () => s.value && fire({ [key]: s.value });
      return wrap(s);
    }
    case 'datepicker': {
      const d = el('input');
      d.type = 'date';
      d.value = str(e.initial_date);
      if (dispatches) d.onchange = () => fire({ selected_date: d.value || null });
      return wrap(d);
    }
    case 'plain_text_input': {
      const t = e.multiline === true ? el('textarea') : el('input');
      t.value = str(e.initial_value);
      t.placeholder = placeholder;
      if (typeof e.max_length === 'number') t.maxLength = e.max_length;
      return wrap(t);
    }
    case 'image': {
      const img = el('img', 'thumb');
      img.src = str(e.image_url);
      img.alt = str(e.alt_text);
      return img;
    }
    default:
      return el('span', 'unsupported', `[${plain(type)}]`);
  }
}

/** The values of a modal's inputs, as Slack puts them in `view.state.values`. */
export function stateValues(root: HTMLElement): Json {
  const values: Record<string, Json> = {};
  for (const block of root.querySelectorAll<HTMLElement>('[data-block-id]')) {
    const node = block.querySelector<HTMLElement>('[data-action-id]');
    if (!node || block.dataset.input !== 'true') continue;
    const type = node.dataset.type ?? '';
    const actionId = node.dataset.actionId ?? '';
    const read = (): Json => {
      const value = (node as HTMLInputElement).value;
      switch (type) {
        case 'plain_text_input':
          return { value: value === '' ? null : value };
        case 'datepicker':
          return { selected_date: value || null };
        case 'users_select':
          return { selected_user: value || null };
        case 'conversations_select':
          return { selected_conversation: value || null };
        case 'channels_select':
          return { selected_channel: value || null };
        case 'static_select': {
          const options = JSON.parse(block.dataset.options ?? '[]') as Json[];
          return { selected_option: options.find((o) => o.value === value) ?? null };
        }
        case 'radio_buttons':
        case 'checkboxes': {
          const options = JSON.parse(block.dataset.options ?? '[]') as Json[];
          const picked = [...node.querySelectorAll<HTMLInputElement>('input:checked')]
            .map((i) => options.find((o) => o.value === i.value))
            .filter(Boolean);
          return type === 'radio_buttons'
            ? { selected_option: picked[0] ?? null }
            : { selected_options: picked };
        }
        default:
          return {};
      }
    };
    values[block.dataset.blockId ?? ''] = { [actionId]: { type, ...read() } };
  }
  return values;
}

export function renderBlocks(blocks: Json[], ctx: RenderContext): HTMLElement {
  const root = el('div', 'blocks');
  blocks.forEach((b, i) => {
    const type = str(b.type);
    const blockId = str(b.block_id) || `pg-block-${i}`;
    let node: HTMLElement;
    switch (type) {
      case 'section': {
        node = el('div', 'section');
        const body = el('div', 'section-body');
        if (b.text) body.append(el('div', 'text', text(b.text, ctx.names)));
        if (Array.isArray(b.fields)) {
          const fields = el('div', 'fields');
          for (const f of b.fields) fields.append(el('div', 'field', text(f, ctx.names)));
          body.append(fields);
        }
        node.append(body);
        if (isObject(b.accessory)) node.append(element(b.accessory, blockId, ctx, false));
        break;
      }
      case 'header':
        node = el('h3', 'header', text(b.text, ctx.names));
        break;
      case 'divider':
        node = el('hr');
        break;
      case 'context': {
        node = el('div', 'context');
        for (const e of Array.isArray(b.elements) ? b.elements.filter(isObject) : [])
          node.append(
            e.type === 'image' ? element(e, blockId, ctx, false) : el('span', '', text(e, ctx.names)),
          );
        break;
      }
      case 'actions': {
        node = el('div', 'actions');
        for (const e of Array.isArray(b.elements) ? b.elements.filter(isObject) : [])
          node.append(element(e, blockId, ctx, false));
        break;
      }
      case 'input': {
        node = el('div', 'input');
        node.dataset.input = 'true';
        const label = el('label', 'label', text(b.label, ctx.names));
        if (b.optional === true) label.append(el('span', 'optional', ' (optional)'));
        node.append(label);
        if (isObject(b.element)) {
          node.dataset.options = JSON.stringify(optionsOf(b.element));
          node.append(element(b.element, blockId, ctx, true));
        }
        if (b.hint) node.append(el('div', 'hint', text(b.hint, ctx.names)));
        const error = ctx.errors?.[blockId];
        if (error) node.append(el('div', 'field-error', plain(error)));
        break;
      }
      case 'image': {
        node = el('figure', 'image');
        const img = el('img');
        img.src = str(b.image_url);
        img.alt = str(b.alt_text);
        node.append(img);
        break;
      }
      default:
        node = el('div', 'unsupported', `This block (${plain(type)}) is not drawn by the playground.`);
    }
    node.dataset.blockId = blockId;
    root.append(node);
  });
  return root;
}
