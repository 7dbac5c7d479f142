// The few DOM helpers the screens share: elements, labelled fields, tables, sections.

type Child = Node | string | null | undefined | false
type Attrs = Record<string, string | boolean | undefined | ((event: Event) => void)>

/** An element with attributes (`on…` ones are listeners; `false`/undefined ones are left out). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [key, val] of Object.entries(attrs)) {
    if (typeof val === 'function') el.addEventListener(key.slice(2).toLowerCase(), val)
    else if (val === true) el.setAttribute(key, '')
    else if (typeof val === 'string') el.setAttribute(key, val)
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) el.append(child)
  return el
}

let fieldIds = 0

/** A labelled input (Playwright's getByLabel finds it by `label`). */
export function field(label: string, input: HTMLInputElement | HTMLSelectElement, hint?: HTMLElement) {
  const id = `field-${++fieldIds}`
  input.id = id
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, hint ?? null)
}

export const input = (attrs: Attrs = {}) => h('input', { autocomplete: 'off', ...attrs })

export function select(options: [string, string][], attrs: Attrs = {}) {
  const el = h('select', attrs)
  for (const [value, text] of options) el.append(h('option', { value }, text))
  return el
}

/** A table of `rows` under `headers`, or `empty` when there are none. */
export function table(headers: string[], rows: Child[][], empty: string) {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty)
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, ...headers.map((text) => h('th', {}, text)))),
    h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((cell) => h('td', {}, cell))))),
  )
}

/** Label/value pairs, as a definition list. */
export function facts(pairs: [string, Child][], attrs: Attrs = {}) {
  const dl = h('dl', { class: 'facts', ...attrs })
  for (const [term, detail] of pairs) dl.append(h('div', {}, h('dt', {}, term), h('dd', {}, detail)))
  return dl
}

export const button = (text: string, onClick: () => void, attrs: Attrs = {}) =>
  h('button', { type: 'button', onclick: onClick, ...attrs }, text)

/** Replaces `el`'s children. */
export function fill(el: HTMLElement, ...children: Child[]) {
  el.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false))
}
