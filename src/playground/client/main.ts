// The playground page: pick who you are, then use Pushpull as in Slack — channels, the app's DM and Home tab,
// the composer, shortcuts and modals — all drawn from what the real app sent the stand-in Slack.
import type { Conversation, Json, Message, WorkspaceState } from '../shapes.js';
import { type RenderContext, renderBlocks, stateValues } from './blocks.js';
import { mrkdwn } from './mrkdwn.js';

const params = new URLSearchParams(location.search);
const view = {
  as: params.get('as') ?? 'USAM0001',
  in: params.get('in') ?? '',
  tab: params.get('tab') ?? 'messages',
};
let state: WorkspaceState | undefined;
const fieldErrors: Record<string, Record<string, string>> = {};
let notice = '';
const root = document.getElementById('app') as HTMLElement;

async function post(path: string, body: Json): Promise<unknown> {
  const res = await fetch(`/api/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer: unknown = await res.json();
  if (!res.ok) throw new Error(String((answer as Json).error ?? res.status));
  return answer;
}

function go(change: Partial<typeof view>): void {
  Object.assign(view, change);
  const q = new URLSearchParams({ as: view.as, in: view.in, tab: view.tab });
  history.replaceState(null, '', `?${q}`);
  if (view.in === dm() && view.tab === 'home') void post('home', { user: view.as });
  draw();
}

const dm = () => `D${view.as.slice(1)}`;
const names = (id: string) => state?.people.find((p) => p.id === id)?.name ?? id;

function h(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

function button(label: string, onClick: () => void, cls = 'btn'): HTMLButtonElement {
  const b = h('button', { class: cls }, label) as HTMLButtonElement;
  b.onclick = onClick;
  return b;
}

function context(act: RenderContext['act'], errors?: Record<string, string>): RenderContext {
  const s = state as WorkspaceState;
  return {
    names,
    people: s.people,
    conversations: s.channels.map((c) => ({ id: c.id, name: `#${c.name}` })),
    act,
    ...(errors ? { errors } : {}),
  };
}

function run(work: Promise<unknown>): void {
  work.catch((error: unknown) => {
    notice = `The playground could not send that: ${error instanceof Error ? error.message : String(error)}`;
    draw();
  });
}

function messageNode(conversation: Conversation, m: Message): HTMLElement {
  const who = m.user ? names(m.user) : 'Pushpull';
  const node = h('div', { class: 'message', 'data-ts': m.ts });
  node.append(h('div', { class: `avatar ${m.user ? '' : 'app'}` }, who.slice(0, 1)));
  const body = h(
    'div',
    { class: 'message-body' },
    h('div', { class: 'author' }, who, m.user ? '' : h('span', { class: 'tag' }, 'APP')),
  );
  const act = (action: Json) =>
    run(post('action', { user: view.as, where: { channel: conversation.id, ts: m.ts }, action }));
  if (m.blocks && m.blocks.length > 0) body.append(renderBlocks(m.blocks, context(act)));
  else body.append(h('div', { class: 'text' }, ''));
  if (!m.blocks?.length) (body.lastChild as HTMLElement).innerHTML = mrkdwn(m.text, names);
  node.append(body);
  if (conversation.kind === 'channel') {
    const more = button(
      '⋯',
      () => {
        const menu = h('div', { class: 'menu' });
        menu.append(
          button(
            'Recognize as advocate',
            () => {
              menu.remove();
              run(
                post('message-shortcut', {
                  user: view.as,
                  callbackId: 'recognize_advocate_message',
                  channel: conversation.id,
                  ts: m.ts,
                }),
              );
            },
            'menu-item',
          ),
        );
        node.append(menu);
      },
      'more',
    );
    more.title = 'More actions';
    node.append(more);
  }
  return node;
}

function sidebar(s: WorkspaceState): HTMLElement {
  const side = h('nav', { class: 'sidebar' }, h('div', { class: 'workspace' }, 'Acme · playground'));
  const who = h('select', { id: 'who', 'aria-label': 'You are' }) as HTMLSelectElement;
  for (const p of s.people) who.append(h('option', { value: p.id }, `${p.name} — ${p.title}`));
  who.value = view.as;
  who.onchange = () =>
    go({ as: who.value, in: view.in.startsWith('D') ? `D${who.value.slice(1)}` : view.in });
  side.append(h('label', { class: 'who' }, 'You are', who));
  side.append(h('div', { class: 'heading' }, 'Channels'));
  for (const c of s.channels) {
    const b = button(
      `# ${c.name}`,
      () => go({ in: c.id, tab: 'messages' }),
      `nav ${view.in === c.id ? 'active' : ''}`,
    );
    side.append(b);
  }
  side.append(h('div', { class: 'heading' }, 'Apps'));
  side.append(
    button('Pushpull', () => go({ in: dm(), tab: 'home' }), `nav ${view.in === dm() ? 'active' : ''}`),
  );
  side.append(h('div', { class: 'heading' }, 'Shortcuts'));
  side.append(
    button(
      '⚡ Pull in my manager',
      () => run(post('shortcut', { user: view.as, callbackId: 'pull_in' })),
      'nav',
    ),
  );
  side.append(
    button(
      '⚡ Recognize an advocate',
      () => run(post('shortcut', { user: view.as, callbackId: 'recognize_advocate' })),
      'nav',
    ),
  );
  side.append(h('div', { class: 'heading' }, 'Playground'));
  side.append(
    button(
      "Send this week's digest now",
      () =>
        run(
          post('digest', {}).then((r) => {
            const d = r as Json;
            notice = `Digests: ${String(d.sent)} sent, ${String(d.skipped)} already had this week's, ${String(d.empty)} with nothing to say.`;
            draw();
          }),
        ),
      'nav',
    ),
  );
  return side;
}

function composer(conversation: Conversation): HTMLElement {
  const form = h('form', { class: 'composer' }) as HTMLFormElement;
  const input = h('input', {
    name: 'text',
    autocomplete: 'off',
    'aria-label': 'Message',
    placeholder:
      conversation.kind === 'dm'
        ? 'Type /pull or /push…'
        : `Message #${conversation.name}, or type /pull or /push…`,
  }) as HTMLInputElement;
  form.append(input, h('button', { class: 'btn primary', type: 'submit' }, 'Send'));
  form.onsubmit = (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    if (text.startsWith('/')) run(post('command', { user: view.as, channel: conversation.id, text }));
    else if (conversation.kind === 'channel')
      run(post('say', { user: view.as, channel: conversation.id, text }));
    else {
      notice = 'Pushpull answers slash commands: try /pull help or /push help.';
      draw();
    }
  };
  return form;
}

function main(s: WorkspaceState): HTMLElement {
  const conversation =
    s.conversations.find((c) => c.id === view.in) ?? s.conversations.find((c) => c.id === dm());
  const pane = h('main', { class: 'pane' });
  if (!conversation) return pane;
  const isDm = conversation.kind === 'dm';
  const title = h('header', { class: 'title' }, isDm ? 'Pushpull' : `# ${conversation.name}`);
  if (isDm) {
    for (const tab of ['home', 'messages'])
      title.append(
        button(
          tab === 'home' ? 'Home' : 'Messages',
          () => go({ in: conversation.id, tab }),
          `tab ${view.tab === tab ? 'active' : ''}`,
        ),
      );
  }
  pane.append(title);
  if (isDm && view.tab === 'home') {
    const home = s.homes[view.as];
    const act = (action: Json) => run(post('action', { user: view.as, where: { viewId: 'VHOME' }, action }));
    pane.append(
      h(
        'div',
        { class: 'home' },
        home && Array.isArray(home.blocks)
          ? renderBlocks(home.blocks as Json[], context(act))
          : 'Opening Home…',
      ),
    );
    return pane;
  }
  const list = h('div', { class: 'messages' });
  for (const m of conversation.messages) list.append(messageNode(conversation, m));
  for (const e of s.ephemerals.filter((x) => x.channel === conversation.id && x.user === view.as)) {
    const node = h('div', { class: 'message ephemeral' }, h('div', { class: 'avatar app' }, 'P'));
    const body = h(
      'div',
      { class: 'message-body' },
      h('div', { class: 'author' }, 'Pushpull', h('span', { class: 'tag' }, 'Only visible to you')),
    );
    const act = (action: Json) =>
      run(post('action', { user: view.as, where: { channel: conversation.id, ephemeralId: e.id }, action }));
    if (e.blocks?.length) body.append(renderBlocks(e.blocks, context(act)));
    else body.append(h('div', { class: 'text' }));
    if (!e.blocks?.length) (body.lastChild as HTMLElement).innerHTML = mrkdwn(e.text, names);
    body.append(button('Dismiss', () => run(post('dismiss', { id: e.id })), 'link'));
    node.append(body);
    list.append(node);
  }
  pane.append(list, composer(conversation));
  queueMicrotask(() => {
    list.scrollTop = list.scrollHeight;
  });
  return pane;
}

function modal(s: WorkspaceState): HTMLElement | undefined {
  const stack = s.modals[view.as] ?? [];
  const top = stack[stack.length - 1];
  if (!top) return undefined;
  const v = top.view;
  const errors = fieldErrors[top.id];
  const act = (action: Json) =>
    run(post('action', { user: view.as, where: { viewId: top.id, values: stateValues(box) }, action }));
  const box = h('form', { class: 'modal', role: 'dialog' }) as HTMLFormElement;
  const plainText = (t: unknown) =>
    typeof t === 'object' && t !== null ? String((t as Json).text ?? '') : '';
  box.append(h('h2', {}, plainText(v.title)));
  box.append(renderBlocks(Array.isArray(v.blocks) ? (v.blocks as Json[]) : [], context(act, errors)));
  const buttons = h('div', { class: 'modal-buttons' });
  buttons.append(
    button(
      plainText(v.close) || 'Cancel',
      () => run(post('close', { user: view.as, viewId: top.id })),
      'btn',
    ),
  );
  if (v.submit) buttons.append(h('button', { class: 'btn primary', type: 'submit' }, plainText(v.submit)));
  box.append(buttons);
  box.onsubmit = (event) => {
    event.preventDefault();
    // Slack itself refuses to submit a modal with a required input left empty; the app never hears of it.
    const missing = requiredLeftEmpty(v, stateValues(box));
    if (Object.keys(missing).length > 0) {
      fieldErrors[top.id] = missing;
      draw();
      return;
    }
    run(
      post('submit', { user: view.as, viewId: top.id, values: stateValues(box) }).then((ack) => {
        const a = ack as Json;
        if (a.response_action === 'errors') fieldErrors[top.id] = a.errors as Record<string, string>;
        else delete fieldErrors[top.id];
        draw();
      }),
    );
  };
  return h('div', { class: 'shade' }, box);
}

function requiredLeftEmpty(v: Json, values: Json): Record<string, string> {
  const missing: Record<string, string> = {};
  for (const b of Array.isArray(v.blocks) ? (v.blocks as Json[]) : []) {
    if (b.type !== 'input' || b.optional === true || typeof b.block_id !== 'string') continue;
    const entry = Object.values((values[b.block_id] ?? {}) as Json)[0] as Json | undefined;
    const filled =
      entry &&
      Object.entries(entry).some(
        ([k, x]) => k !== 'type' && x !== null && !(Array.isArray(x) && x.length === 0),
      );
    if (!filled) missing[b.block_id] = 'Please complete this required field.';
  }
  return missing;
}

let drawnModal = '';
function draw(): void {
  const s = state;
  if (!s) return;
  if (!view.in) view.in = dm();
  const stack = s.modals[view.as] ?? [];
  const top = stack[stack.length - 1];
  const modalKey = top
    ? `${top.id}:${JSON.stringify(top.view)}:${JSON.stringify(fieldErrors[top.id] ?? {})}`
    : '';
  // A redraw would wipe what the person is typing in the modal: keep it unless the modal itself changed.
  const existing = document.querySelector('.shade:not(.confirm)');
  const keepModal = existing && modalKey === drawnModal;
  const layout = h('div', { class: 'layout' }, sidebar(s), main(s));
  const banners = h('div', { class: 'banners' });
  for (const e of s.errors.slice(-5))
    banners.append(
      h(
        'div',
        { class: 'slack-error', role: 'alert' },
        `Slack would refuse ${e.method}: ${e.messages.join('; ')}`,
      ),
    );
  if (notice) {
    banners.append(
      h(
        'div',
        { class: 'notice' },
        notice,
        button(
          '×',
          () => {
            notice = '';
            draw();
          },
          'link',
        ),
      ),
    );
  }
  const modalNode = keepModal ? existing : modal(s);
  // What the person was typing in the composer survives a redraw caused by someone else's action.
  const typing = document.querySelector<HTMLInputElement>('.composer input');
  const draft = typing?.value ?? '';
  const focused = typing !== null && document.activeElement === typing;
  root.replaceChildren(banners, layout, ...(modalNode ? [modalNode] : []));
  const composerNow = document.querySelector<HTMLInputElement>('.composer input');
  if (composerNow && draft) composerNow.value = draft;
  if (composerNow && focused) composerNow.focus();
  drawnModal = modalKey;
}

async function poll(): Promise<void> {
  for (;;) {
    try {
      const res = await fetch(`/api/state?after=${state?.version ?? -1}`);
      const next = (await res.json()) as WorkspaceState;
      if (!state || next.version !== state.version) {
        const first = !state;
        state = next;
        if (first && view.in === dm() && view.tab === 'home') void post('home', { user: view.as });
        draw();
      }
    } catch {
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

void poll();
