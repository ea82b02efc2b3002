// Slack's documented Block Kit and Web API argument rules, as a pure validator the fake Slack runs on every
// message, view and response_url body. Each rule names the page that documents it; a breach is reported the
// way Slack reports it: a message and a JSON pointer to the offending field.
//
// Lengths are counted in Unicode code points of the string as sent (entities and markup included): Slack
// does not document whether it counts code points or UTF-16 units; it counts the escaped form it receives.

export interface Breach {
  /** JSON pointer into the request arguments, as in Slack's `[json-pointer:/blocks/0/text/text]`. */
  pointer: string;
  message: string;
  /** The documentation page that states the rule. */
  doc: string;
}

export type Surface = 'message' | 'modal' | 'home';

export const DOCS = {
  blocks: 'https://docs.slack.dev/reference/block-kit/blocks',
  section: 'https://docs.slack.dev/reference/block-kit/blocks/section-block',
  header: 'https://docs.slack.dev/reference/block-kit/blocks/header-block',
  context: 'https://docs.slack.dev/reference/block-kit/blocks/context-block',
  actions: 'https://docs.slack.dev/reference/block-kit/blocks/actions-block',
  input: 'https://docs.slack.dev/reference/block-kit/blocks/input-block',
  image: 'https://docs.slack.dev/reference/block-kit/blocks/image-block',
  divider: 'https://docs.slack.dev/reference/block-kit/blocks/divider-block',
  text: 'https://docs.slack.dev/reference/block-kit/composition-objects/text-object',
  option: 'https://docs.slack.dev/reference/block-kit/composition-objects/option-object',
  optionGroup: 'https://docs.slack.dev/reference/block-kit/composition-objects/option-group-object',
  confirm: 'https://docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object',
  button: 'https://docs.slack.dev/reference/block-kit/block-elements/button-element',
  select: 'https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element',
  multiSelect: 'https://docs.slack.dev/reference/block-kit/block-elements/multi-select-menu-element',
  overflow: 'https://docs.slack.dev/reference/block-kit/block-elements/overflow-menu-element',
  checkboxes: 'https://docs.slack.dev/reference/block-kit/block-elements/checkboxes-element',
  radio: 'https://docs.slack.dev/reference/block-kit/block-elements/radio-button-group-element',
  plainTextInput: 'https://docs.slack.dev/reference/block-kit/block-elements/plain-text-input-element',
  datepicker: 'https://docs.slack.dev/reference/block-kit/block-elements/date-picker-element',
  imageElement: 'https://docs.slack.dev/reference/block-kit/block-elements/image-element',
  modal: 'https://docs.slack.dev/reference/views/modal-views',
  home: 'https://docs.slack.dev/reference/views/home-tab-views',
  postMessage: 'https://docs.slack.dev/reference/methods/chat.postMessage',
  postEphemeral: 'https://docs.slack.dev/reference/methods/chat.postEphemeral',
  update: 'https://docs.slack.dev/reference/methods/chat.update',
  viewsOpen: 'https://docs.slack.dev/reference/methods/views.open',
  viewsPush: 'https://docs.slack.dev/reference/methods/views.push',
  viewsUpdate: 'https://docs.slack.dev/reference/methods/views.update',
  viewsPublish: 'https://docs.slack.dev/reference/methods/views.publish',
  responseUrl: 'https://docs.slack.dev/interactivity/handling-user-interaction#message_responses',
  viewSubmission: 'https://docs.slack.dev/surfaces/modals#updating_response',
} as const;

const BLOCK_TYPES = new Set([
  'actions',
  'context',
  'divider',
  'file',
  'header',
  'image',
  'input',
  'markdown',
  'rich_text',
  'section',
  'video',
]);

const SELECTS = new Set([
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
]);
const MULTI_SELECTS = new Set([...SELECTS].map((t) => `multi_${t}`));

const INTERACTIVE = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'timepicker',
  'overflow',
  'radio_buttons',
  'workflow_button',
  ...SELECTS,
  ...MULTI_SELECTS,
]);
const INPUTS = new Set([
  ...INTERACTIVE,
  'plain_text_input',
  'email_text_input',
  'url_text_input',
  'number_input',
  'rich_text_input',
  'file_input',
]);
// Elements each block accepts, per the block's page.
const SECTION_ACCESSORIES = new Set([...INTERACTIVE, 'image']);
const ACTIONS_ELEMENTS = new Set([...INTERACTIVE, 'rich_text_input']);
const INPUT_ELEMENTS = new Set([...INPUTS].filter((t) => t !== 'button' && t !== 'overflow'));

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const length = (s: string): number => [...s].length;

class Checker {
  readonly breaches: Breach[] = [];
  /** Per block: reset as each block starts. */
  private actionIds = new Map<string, string>();
  private blockIds = new Map<string, string>();

  add(pointer: string, message: string, doc: string): void {
    this.breaches.push({ pointer, message, doc });
  }

  string(value: unknown, pointer: string, max: number, doc: string, options: { min?: number } = {}): void {
    if (typeof value !== 'string') {
      this.add(pointer, 'must be a string', doc);
      return;
    }
    const n = length(value);
    if (n > max) this.add(pointer, `must be less than ${max + 1} characters (is ${n})`, doc);
    if (options.min !== undefined && n < options.min)
      this.add(pointer, `must be at least ${options.min} character${options.min === 1 ? '' : 's'}`, doc);
  }

  optionalString(value: unknown, pointer: string, max: number, doc: string): void {
    if (value !== undefined) this.string(value, pointer, max, doc);
  }

  /** A text object: https://docs.slack.dev/reference/block-kit/composition-objects/text-object */
  text(value: unknown, pointer: string, max: number, doc: string, kind: 'plain_text' | 'any' = 'any'): void {
    if (!isObject(value)) {
      this.add(pointer, 'must be a text object', DOCS.text);
      return;
    }
    if (value.type !== 'plain_text' && value.type !== 'mrkdwn')
      this.add(`${pointer}/type`, 'must be plain_text or mrkdwn', DOCS.text);
    else if (kind === 'plain_text' && value.type !== 'plain_text')
      this.add(`${pointer}/type`, 'must be plain_text', doc);
    this.string(value.text, `${pointer}/text`, max, doc, { min: 1 });
    if (value.type === 'plain_text' && value.verbatim !== undefined)
      this.add(`${pointer}/verbatim`, 'only mrkdwn text has verbatim', DOCS.text);
  }

  optionalText(value: unknown, pointer: string, max: number, doc: string, kind: 'plain_text' | 'any'): void {
    if (value !== undefined) this.text(value, pointer, max, doc, kind);
  }

  blockId(value: unknown, pointer: string, doc: string): void {
    if (value === undefined) return;
    this.string(value, pointer, 255, doc, { min: 1 });
    if (typeof value !== 'string') return;
    const first = this.blockIds.get(value);
    if (first) this.add(pointer, `block_id '${value}' repeats ${first}`, DOCS.blocks);
    else this.blockIds.set(value, pointer);
  }

  /** "Should be unique among all other action_ids in the containing block" (every element's page). */
  actionId(value: unknown, pointer: string, doc: string): void {
    if (value === undefined) return;
    this.string(value, pointer, 255, doc, { min: 1 });
    if (typeof value !== 'string') return;
    const first = this.actionIds.get(value);
    if (first) this.add(pointer, `action_id '${value}' repeats ${first}`, doc);
    else this.actionIds.set(value, pointer);
  }

  confirm(value: unknown, pointer: string): void {
    if (value === undefined) return;
    if (!isObject(value)) {
      this.add(pointer, 'must be a confirmation dialog object', DOCS.confirm);
      return;
    }
    this.text(value.title, `${pointer}/title`, 100, DOCS.confirm, 'plain_text');
    this.text(value.text, `${pointer}/text`, 300, DOCS.confirm);
    this.text(value.confirm, `${pointer}/confirm`, 30, DOCS.confirm, 'plain_text');
    this.text(value.deny, `${pointer}/deny`, 30, DOCS.confirm, 'plain_text');
  }

  /** Option objects; `plainOnly` for menus, where Slack accepts only plain_text option text. */
  options(value: unknown, pointer: string, max: number, doc: string, plainOnly: boolean, min = 1): Json[] {
    if (!Array.isArray(value)) {
      this.add(pointer, 'must be an array of option objects', doc);
      return [];
    }
    if (value.length > max) this.add(pointer, `must have at most ${max} options (has ${value.length})`, doc);
    if (value.length < min) this.add(pointer, `must have at least ${min} option${min === 1 ? '' : 's'}`, doc);
    const out: Json[] = [];
    value.forEach((option, i) => {
      const at = `${pointer}/${i}`;
      if (!isObject(option)) {
        this.add(at, 'must be an option object', DOCS.option);
        return;
      }
      out.push(option);
      this.text(option.text, `${at}/text`, 75, DOCS.option, plainOnly ? 'plain_text' : 'any');
      this.string(option.value, `${at}/value`, 150, DOCS.option, { min: 1 });
      this.optionalText(option.description, `${at}/description`, 75, DOCS.option, 'plain_text');
      this.optionalString(option.url, `${at}/url`, 3000, DOCS.option);
    });
    return out;
  }

  /** `initial_option` must be one of `options`, compared as Slack does: the whole object. */
  initialAmong(initial: unknown, options: Json[], pointer: string, doc: string): void {
    if (initial === undefined) return;
    const key = (o: unknown) => (isObject(o) ? `${String(o.value)}\u0000${JSON.stringify(o.text)}` : '');
    if (!options.some((o) => key(o) === key(initial))) this.add(pointer, 'must be one of the options', doc);
  }

  placeholder(value: unknown, pointer: string, doc: string): void {
    this.optionalText(value, pointer, 150, doc, 'plain_text');
  }

  element(value: unknown, pointer: string, allowed: Set<string>, where: string): void {
    if (!isObject(value)) {
      this.add(pointer, 'must be an element object', DOCS.blocks);
      return;
    }
    const type = String(value.type);
    if (!allowed.has(type)) {
      this.add(`${pointer}/type`, `'${type}' is not an element allowed in ${where}`, DOCS.blocks);
      return;
    }
    if (type !== 'image') this.actionId(value.action_id, `${pointer}/action_id`, DOCS.button);
    this.confirm(value.confirm, `${pointer}/confirm`);
    switch (type) {
      case 'button':
        this.text(value.text, `${pointer}/text`, 75, DOCS.button, 'plain_text');
        this.optionalString(value.value, `${pointer}/value`, 2000, DOCS.button);
        this.optionalString(value.url, `${pointer}/url`, 3000, DOCS.button);
        this.optionalString(value.accessibility_label, `${pointer}/accessibility_label`, 75, DOCS.button);
        if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger')
          this.add(`${pointer}/style`, 'must be primary or danger', DOCS.button);
        break;
      case 'static_select':
      case 'multi_static_select': {
        const doc = type === 'static_select' ? DOCS.select : DOCS.multiSelect;
        this.placeholder(value.placeholder, `${pointer}/placeholder`, doc);
        let options: Json[] = [];
        if (value.option_groups !== undefined) {
          if (value.options !== undefined)
            this.add(`${pointer}/options`, 'cannot be used with option_groups', doc);
          const groups = Array.isArray(value.option_groups) ? value.option_groups : [];
          if (groups.length > 100) this.add(`${pointer}/option_groups`, 'must have at most 100 groups', doc);
          groups.forEach((group, g) => {
            const at = `${pointer}/option_groups/${g}`;
            if (!isObject(group)) {
              this.add(at, 'must be an option group', DOCS.optionGroup);
              return;
            }
            this.text(group.label, `${at}/label`, 75, DOCS.optionGroup, 'plain_text');
            options = options.concat(
              this.options(group.options, `${at}/options`, 100, DOCS.optionGroup, true),
            );
          });
        } else {
          options = this.options(value.options, `${pointer}/options`, 100, doc, true);
        }
        if (type === 'static_select')
          this.initialAmong(value.initial_option, options, `${pointer}/initial_option`, doc);
        else if (Array.isArray(value.initial_options))
          value.initial_options.forEach((o, i) => {
            this.initialAmong(o, options, `${pointer}/initial_options/${i}`, doc);
          });
        break;
      }
      case 'overflow':
        // "Maximum number of options is 5, minimum is 1."
        this.options(value.options, `${pointer}/options`, 5, DOCS.overflow, true);
        break;
      case 'checkboxes': {
        const options = this.options(value.options, `${pointer}/options`, 10, DOCS.checkboxes, false);
        if (value.initial_options !== undefined) {
          if (!Array.isArray(value.initial_options))
            this.add(`${pointer}/initial_options`, 'must be an array', DOCS.checkboxes);
          else
            value.initial_options.forEach((o, i) => {
              this.initialAmong(o, options, `${pointer}/initial_options/${i}`, DOCS.checkboxes);
            });
        }
        break;
      }
      case 'radio_buttons': {
        const options = this.options(value.options, `${pointer}/options`, 10, DOCS.radio, false);
        this.initialAmong(value.initial_option, options, `${pointer}/initial_option`, DOCS.radio);
        break;
      }
      case 'plain_text_input': {
        this.placeholder(value.placeholder, `${pointer}/placeholder`, DOCS.plainTextInput);
        const max = typeof value.max_length === 'number' ? value.max_length : 3000;
        if (typeof value.max_length === 'number' && (value.max_length < 1 || value.max_length > 3000))
          this.add(`${pointer}/max_length`, 'must be between 1 and 3000', DOCS.plainTextInput);
        if (typeof value.min_length === 'number' && (value.min_length < 0 || value.min_length > 3000))
          this.add(`${pointer}/min_length`, 'must be between 0 and 3000', DOCS.plainTextInput);
        this.optionalString(value.initial_value, `${pointer}/initial_value`, max, DOCS.plainTextInput);
        break;
      }
      case 'datepicker':
        this.placeholder(value.placeholder, `${pointer}/placeholder`, DOCS.datepicker);
        if (value.initial_date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(value.initial_date)))
          this.add(`${pointer}/initial_date`, 'must be YYYY-MM-DD', DOCS.datepicker);
        break;
      case 'image':
        this.string(value.alt_text, `${pointer}/alt_text`, 2000, DOCS.imageElement);
        if (value.image_url === undefined && value.slack_file === undefined)
          this.add(pointer, 'needs image_url or slack_file', DOCS.imageElement);
        this.optionalString(value.image_url, `${pointer}/image_url`, 3000, DOCS.imageElement);
        break;
      default:
        if (SELECTS.has(type) || MULTI_SELECTS.has(type))
          this.placeholder(value.placeholder, `${pointer}/placeholder`, DOCS.select);
    }
  }

  block(value: unknown, pointer: string): boolean {
    if (!isObject(value)) {
      this.add(pointer, 'must be a block object', DOCS.blocks);
      return false;
    }
    const type = String(value.type);
    if (!BLOCK_TYPES.has(type)) {
      this.add(`${pointer}/type`, `unknown block type '${type}'`, DOCS.blocks);
      return false;
    }
    this.blockId(value.block_id, `${pointer}/block_id`, DOCS.blocks);
    this.actionIds = new Map();
    switch (type) {
      case 'section': {
        if (value.text === undefined && value.fields === undefined)
          this.add(pointer, 'needs text or fields', DOCS.section);
        this.optionalText(value.text, `${pointer}/text`, 3000, DOCS.section, 'any');
        if (value.fields !== undefined) {
          if (!Array.isArray(value.fields)) this.add(`${pointer}/fields`, 'must be an array', DOCS.section);
          else {
            if (value.fields.length > 10)
              this.add(
                `${pointer}/fields`,
                `must have at most 10 items (has ${value.fields.length})`,
                DOCS.section,
              );
            value.fields.forEach((f, i) => {
              this.text(f, `${pointer}/fields/${i}`, 2000, DOCS.section);
            });
          }
        }
        if (value.accessory !== undefined)
          this.element(value.accessory, `${pointer}/accessory`, SECTION_ACCESSORIES, 'a section accessory');
        break;
      }
      case 'header':
        this.text(value.text, `${pointer}/text`, 150, DOCS.header, 'plain_text');
        break;
      case 'context': {
        if (!Array.isArray(value.elements) || value.elements.length === 0) {
          this.add(`${pointer}/elements`, 'must be a non-empty array', DOCS.context);
          break;
        }
        if (value.elements.length > 10)
          this.add(
            `${pointer}/elements`,
            `must have at most 10 elements (has ${value.elements.length})`,
            DOCS.context,
          );
        value.elements.forEach((e, i) => {
          const at = `${pointer}/elements/${i}`;
          if (isObject(e) && e.type === 'image') this.element(e, at, new Set(['image']), 'a context block');
          else this.text(e, at, 3000, DOCS.context);
        });
        break;
      }
      case 'actions': {
        if (!Array.isArray(value.elements) || value.elements.length === 0) {
          this.add(`${pointer}/elements`, 'must be a non-empty array', DOCS.actions);
          break;
        }
        if (value.elements.length > 25)
          this.add(
            `${pointer}/elements`,
            `must have at most 25 elements (has ${value.elements.length})`,
            DOCS.actions,
          );
        value.elements.forEach((e, i) => {
          this.element(e, `${pointer}/elements/${i}`, ACTIONS_ELEMENTS, 'an actions block');
        });
        break;
      }
      case 'input':
        this.text(value.label, `${pointer}/label`, 2000, DOCS.input, 'plain_text');
        this.optionalText(value.hint, `${pointer}/hint`, 2000, DOCS.input, 'plain_text');
        if (value.element === undefined) this.add(`${pointer}/element`, 'is required', DOCS.input);
        else this.element(value.element, `${pointer}/element`, INPUT_ELEMENTS, 'an input block');
        break;
      case 'image':
        this.string(value.alt_text, `${pointer}/alt_text`, 2000, DOCS.image);
        this.optionalString(value.image_url, `${pointer}/image_url`, 3000, DOCS.image);
        this.optionalText(value.title, `${pointer}/title`, 2000, DOCS.image, 'plain_text');
        break;
      case 'divider':
        break;
      default:
        break;
    }
    return type === 'input';
  }

  blocks(value: unknown, pointer: string, surface: Surface): { hasInput: boolean } {
    if (!Array.isArray(value)) {
      this.add(pointer, 'must be an array of blocks', DOCS.blocks);
      return { hasInput: false };
    }
    // "You can include up to 50 blocks in each message, and 100 blocks in modals or Home tabs."
    const max = surface === 'message' ? 50 : 100;
    if (value.length > max)
      this.add(
        pointer,
        `no more than ${max} items allowed (has ${value.length})`,
        surface === 'message' ? DOCS.blocks : surface === 'modal' ? DOCS.modal : DOCS.home,
      );
    let hasInput = false;
    value.forEach((b, i) => {
      if (this.block(b, `${pointer}/${i}`)) hasInput = true;
    });
    return { hasInput };
  }
}

/** Blocks as JSON or as the JSON string the Web API client form-encodes. */
function decode(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export function validateBlocks(blocks: unknown, surface: Surface, pointer = '/blocks'): Breach[] {
  const c = new Checker();
  c.blocks(decode(blocks), pointer, surface);
  return c.breaches;
}

/** A modal or Home tab view object (views.open/push/update/publish, or a view_submission ack). */
export function validateView(view: unknown, pointer = '/view'): Breach[] {
  const c = new Checker();
  const v = decode(view);
  if (!isObject(v)) {
    c.add(pointer, 'must be a view object', DOCS.modal);
    return c.breaches;
  }
  if (v.type !== 'modal' && v.type !== 'home') {
    c.add(`${pointer}/type`, 'must be modal or home', DOCS.modal);
    return c.breaches;
  }
  const doc = v.type === 'modal' ? DOCS.modal : DOCS.home;
  const { hasInput } = c.blocks(v.blocks, `${pointer}/blocks`, v.type);
  c.optionalString(v.private_metadata, `${pointer}/private_metadata`, 3000, doc);
  c.optionalString(v.callback_id, `${pointer}/callback_id`, 255, doc);
  c.optionalString(v.external_id, `${pointer}/external_id`, 255, doc);
  if (v.type === 'modal') {
    c.text(v.title, `${pointer}/title`, 24, DOCS.modal, 'plain_text');
    c.optionalText(v.submit, `${pointer}/submit`, 24, DOCS.modal, 'plain_text');
    c.optionalText(v.close, `${pointer}/close`, 24, DOCS.modal, 'plain_text');
    if (hasInput && v.submit === undefined)
      c.add(`${pointer}/submit`, 'is required when the view has an input block', DOCS.modal);
  }
  return c.breaches;
}

/** A message body: chat.postMessage/postEphemeral/update arguments, a response_url body or a command ack. */
export function validateMessage(args: Json, options: { requireText: boolean; doc: string }): Breach[] {
  const c = new Checker();
  const blocks = decode(args.blocks);
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  if (blocks !== undefined) c.blocks(blocks, '/blocks', 'message');
  const text = args.text;
  if (text !== undefined && typeof text !== 'string') c.add('/text', 'must be a string', options.doc);
  // chat.postMessage: "messages containing more than 40,000 characters are truncated" — a silent loss we refuse.
  if (typeof text === 'string' && length(text) > 40_000)
    c.add('/text', `is truncated by Slack past 40,000 characters (is ${length(text)})`, DOCS.postMessage);
  const hasText = typeof text === 'string' && text.trim() !== '';
  // Slack answers `missing_text_or_fallback` without text or blocks; with blocks only, it warns that
  // notifications and screen readers get nothing: "the top-level text field ... is required as a fallback".
  if (!hasText && !hasBlocks && args.attachments === undefined && args.delete_original === undefined)
    c.add('/text', 'missing_text_or_fallback: a message needs text or blocks', options.doc);
  else if (options.requireText && hasBlocks && !hasText)
    c.add('/text', 'missing_text_or_fallback: a message with blocks needs a text fallback', options.doc);
  return c.breaches;
}

/** Slack's wire form of a breach: `[ERROR] must be … [json-pointer:/blocks/0/text/text]`. */
export function slackMessage(b: Breach): string {
  return `${b.message} [json-pointer:${b.pointer}]`;
}
