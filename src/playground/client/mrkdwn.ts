// Slack's mrkdwn as HTML: the markup (`<@U…>`, `<#C…|name>`, `<url|label>`, `<!here>`) first, then the three
// entities Slack escapes, then *bold*, _italics_, ~strike~, `code`, quotes and the emoji shortcodes.

const EMOJI: Record<string, string> = {
  white_check_mark: '✅',
  warning: '⚠️',
  raising_hand: '🙋',
  hourglass_flowing_sand: '⏳',
  hourglass: '⌛',
  tada: '🎉',
  sparkles: '✨',
  leftwards_arrow_with_hook: '↩️',
  heavy_minus_sign: '➖',
  eyes: '👀',
  dart: '🎯',
  trophy: '🏆',
  speech_balloon: '💬',
  red_circle: '🔴',
  large_yellow_circle: '🟡',
  large_green_circle: '🟢',
  large_blue_circle: '🔵',
  white_circle: '⚪',
  bulb: '💡',
  bell: '🔔',
  alarm_clock: '⏰',
  '00': '🕛',
  handshake: '🤝',
  wave: '👋',
  pushpin: '📌',
  memo: '📝',
  calendar: '📅',
  date: '📅',
  clock: '🕐',
  inbox_tray: '📥',
  outbox_tray: '📤',
  mega: '📣',
  star: '⭐',
  star2: '🌟',
  rocket: '🚀',
  thumbsup: '👍',
  '+1': '👍',
  clap: '👏',
  pray: '🙏',
  heart: '❤️',
  muscle: '💪',
  x: '❌',
  no_entry: '⛔',
  lock: '🔒',
  key: '🔑',
  compass: '🧭',
  mag: '🔍',
  arrow_right: '➡️',
  arrows_counterclockwise: '🔄',
  pencil2: '✏️',
  scales: '⚖️',
  zzz: '💤',
  palm_tree: '🌴',
  beach_with_umbrella: '🏖️',
  information_source: 'ℹ️',
  chart_with_upwards_trend: '📈',
  bar_chart: '📊',
  busts_in_silhouette: '👥',
  bust_in_silhouette: '👤',
  checkered_flag: '🏁',
  construction: '🚧',
  fire: '🔥',
  question: '❓',
  grey_question: '❔',
  link: '🔗',
  page_facing_up: '📄',
  small_blue_diamond: '🔹',
  small_orange_diamond: '🔸',
  seedling: '🌱',
  telescope: '🔭',
};

export type Names = (id: string) => string;

const html = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function markup(inner: string, names: Names): string {
  const [target = '', label] = inner.split('|', 2);
  if (target.startsWith('@')) return `<span class="mention">@${html(names(target.slice(1)))}</span>`;
  if (target.startsWith('#'))
    return `<span class="mention">#${html(decode(label ?? target.slice(1)))}</span>`;
  if (target.startsWith('!')) {
    const special = target.slice(1).split('^')[0] ?? '';
    return `<span class="mention">${html(label ? decode(label) : `@${special}`)}</span>`;
  }
  const url = decode(target);
  const safe = /^(https?|mailto|tel):/i.test(url) ? url : '#';
  return `<a href="${html(safe)}" target="_blank" rel="noreferrer">${html(decode(label ?? target))}</a>`;
}

function styled(text: string): string {
  return html(decode(text))
    .replace(/```([\s\S]+?)```/g, '<pre>$1</pre>')
    .replace(/`([^`\n]+)`/g, '<code>$1</code>')
    .replace(/(^|[\s(\uE000])\*([^*\n]+)\*(?=$|[\s).,:;!?\uE000])/g, '$1<b>$2</b>')
    .replace(/(^|[\s(\uE000])_([^_\n]+)_(?=$|[\s).,:;!?\uE000])/g, '$1<i>$2</i>')
    .replace(/(^|[\s(\uE000])~([^~\n]+)~(?=$|[\s).,:;!?\uE000])/g, '$1<s>$2</s>')
    .replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole);
}

/** Slack mrkdwn → HTML, with mentions shown as names. Markup is set aside first, so *bold* may span a mention. */
export function mrkdwn(text: string, names: Names): string {
  const parts: string[] = [];
  const held = text.replace(/<([^<>]+)>/g, (_whole, inner: string) => {
    parts.push(markup(inner, names));
    return `\uE000${parts.length - 1}\uE000`;
  });
  return styled(held)
    .split('\n')
    .map((line) =>
      line.startsWith('&gt;') ? `<blockquote>${line.slice(4).replace(/^ /, '')}</blockquote>` : line,
    )
    .join('<br>')
    .replace(/<\/blockquote><br><blockquote>/g, '<br>')
    .replace(/\uE000(\d+)\uE000/g, (_whole, i: string) => parts[Number(i)] ?? '');
}

/** plain_text: shown as typed (with emoji when `emoji` is not false). */
export function plain(text: string, emoji = true): string {
  const escaped = html(text);
  return emoji
    ? escaped.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole)
    : escaped;
}
