import { nameOf } from './api';
import { $, personItem, status } from './dom';
import { createGraph, DRAWN_FRIENDS, loadNetwork, type Network } from './graph';

/**
 * The graph panel: who is in the centre, which page of their friends is drawn, and the lists
 * beside the graph. Loads overlap (a click, a command's own refresh, a refresh an event
 * scheduled) and finish in any order; only the newest may draw. An older one finishing last put
 * the previous centre back, and the next rename or friend command acted on the wrong person.
 */
export function graphView() {
  let centre: number | undefined;
  /** The `after` key of each page of the centre's friends seen so far: [0, key of page 2, ...]. */
  let pages = [0];
  let newestLoad = 0;
  /** What the newest load asked for: a refresh reloads this, not an older centre still on screen. */
  let wanted: { id: number; page: number } | undefined;
  let loading = 0;
  const busy = (delta: number) => $('graph').setAttribute('aria-busy', String((loading += delta) > 0));

  const graph = createGraph(
    $('graph'),
    (id) => void show(id),
    (id, label, role, position, of) => {
      $('graph').dataset.focusedUser = String(id);
      $('graph-focus').textContent = `${label}, ${role}, ${position} of ${of}. Enter centres on them.`;
    },
  );

  async function show(id: number, page = 0) {
    const load = ++newestLoad;
    wanted = { id, page };
    const keys = id === centre ? pages.slice(0, page + 1) : [0];
    busy(+1);
    try {
      const n = await loadNetwork(id, keys[page] ?? 0);
      if (load !== newestLoad) return;
      centre = id;
      pages = n.nextPage === undefined ? keys : [...keys, n.nextPage];
      render(n, page);
    } catch (error) {
      if (load === newestLoad) status(`Could not load user ${id}: ${(error as Error).message}`);
    } finally {
      busy(-1);
    }
  }

  function render(n: Network, page: number) {
    const pick = (id: number) => void show(id);
    $('center-title').textContent = `${nameOf(n.center)} #${n.center.id}`;
    $('center-title').dataset.userId = String(n.center.id);
    const before = page * DRAWN_FRIENDS;
    const total = before + n.friendsFromHere;
    $('friend-count').textContent = n.friendsTruncated ? `over ${total}` : String(total);
    $('recommendation-count').textContent = String(n.recommendations.length);
    $('friend-list').replaceChildren(...n.friends.map((f) => personItem(f, pick)));
    $('recommendation-list').replaceChildren(...n.recommendations.map((r) => personItem(r.user, pick, ` — weight ${r.weight}, via ${r.mutual.map(nameOf).join(', ')}`)));
    const paged = page > 0 || n.nextPage !== undefined;
    $('friend-pages').hidden = !paged;
    $('friend-pages').dataset.page = String(page);
    $<HTMLButtonElement>('friends-previous').disabled = page === 0;
    $<HTMLButtonElement>('friends-next').disabled = n.nextPage === undefined;
    $('graph-note').textContent = paged
      ? `Paginated: friends ${before + 1}–${before + n.friends.length} of ${n.friendsTruncated ? 'over ' : ''}${total} (oldest friendship first), and the top ${n.recommendations.length} recommendations.`
      : '';
    graph.draw(n);
    $('graph').dataset.nodes = String(graph.cy.nodes().length);
    $('graph').dataset.edges = String(graph.cy.edges().length);
    $('graph-focus').textContent = '';
  }

  const shownPage = () => Number($('friend-pages').dataset.page ?? 0);
  $('friends-previous').addEventListener('click', () => centre !== undefined && void show(centre, shownPage() - 1));
  $('friends-next').addEventListener('click', () => centre !== undefined && void show(centre, shownPage() + 1));

  return {
    show,
    refresh: () => (wanted === undefined ? undefined : show(wanted.id, wanted.page)),
    /** The user on screen, whom the forms act on. */
    centre: () => centre,
    /** The user the newest load is about: events about them refresh the graph. */
    wanted: () => wanted?.id,
    resize: () => graph.cy.resize(),
  };
}

export type GraphView = ReturnType<typeof graphView>;
