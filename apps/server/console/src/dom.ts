type Child = Node | string | number | null | undefined | false;
type Attr = string | boolean | undefined | ((event: Event) => void);

/**
 * Builds an element. Strings become text nodes, never markup: everything an agent wrote (questions, tool input,
 * comments) reaches the page through here or `textContent`, so it renders inertly.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, Attr> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(name, '');
    else if (typeof value === 'string') el.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function replace(target: Element, ...children: Child[]): void {
  target.replaceChildren(
    ...children.flatMap((c) =>
      c === null || c === undefined || c === false
        ? []
        : [c instanceof Node ? c : document.createTextNode(String(c))],
    ),
  );
}

/** Pretty JSON in a `<pre>`, as text. */
export const jsonBlock = (value: unknown, label: string) =>
  h('pre', { class: 'json', 'aria-label': label, tabindex: '0' }, JSON.stringify(value, null, 2));
