import { api } from './api';
import { $, personItem, status } from './dom';
import type { GraphView } from './graph-view';

const fields = (form: HTMLFormElement) => Object.fromEntries(new FormData(form)) as Record<string, string>;

/**
 * Search and the command forms. A command's answer carries a Consistency-Token that api.ts sends
 * with the reads of the refresh that follows, so the graph shows the change at once.
 */
export function wireActions(view: GraphView) {
  $('search-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const name = $<HTMLInputElement>('search').value.trim();
    try {
      const found = await api.search(name);
      $('search-results').replaceChildren(...found.map((u) => personItem(u, (id) => void view.show(id))));
      status(`${found.length} found for “${name}”.`);
      if (found.length === 1) void view.show(found[0]!.id);
    } catch (error) {
      status(`Search failed: ${(error as Error).message}`);
    }
  });

  async function act(what: string, run: () => Promise<unknown>) {
    try {
      await run();
      status(`${what}: done.`);
      await view.refresh();
    } catch (error) {
      status(`${what} failed: ${(error as Error).message}`);
    }
  }
  /** The selected user, or undefined after saying that one is needed. */
  const selected = () => view.centre() ?? void status('Select a user first.');

  $('create-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const { firstName, lastName } = fields(e.target as HTMLFormElement);
    void act('Create', async () => view.show((await api.create(firstName!, lastName!)).id));
  });
  $('rename-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const id = selected();
    if (id === undefined) return;
    const { firstName, lastName } = fields(e.target as HTMLFormElement);
    void act('Rename', () => api.rename(id, firstName!, lastName!));
  });
  $('friend-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const id = selected();
    if (id === undefined) return;
    const friendId = Number(fields(e.target as HTMLFormElement).friendId);
    const op = ((e as SubmitEvent).submitter as HTMLButtonElement | null)?.value ?? 'add';
    void act(op === 'add' ? 'Add friend' : 'Remove friend', () => (op === 'add' ? api.addFriend(id, friendId) : api.removeFriend(id, friendId)));
  });
}
