import { nameOf, type User } from './api';

export const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** The line under the forms that says what the last action did (a polite live region). */
export const status = (text: string) => ($('status').textContent = text);

/** A person in a list: a button that centres the graph on them. */
export function personItem(u: User, pick: (id: number) => void, extra = ''): HTMLLIElement {
  const item = document.createElement('li');
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = `${nameOf(u)} #${u.id}${extra}`;
  b.addEventListener('click', () => pick(u.id));
  item.append(b);
  return item;
}
