import cytoscape from 'cytoscape';
import { api, nameOf, type User } from './api';

/** Friends drawn per page: a hub's friends are paginated, this many at a time, oldest friendship first. */
export const DRAWN_FRIENDS = 60;
/** Friendships read per load: the page drawn, and enough beyond it to count what follows (a hub shows "over 1000"). */
const FRIENDS_READ = 1000;
export const DRAWN_RECOMMENDATIONS = 15;
/** Mutual friends asked per drawn recommendation. */
const MUTUALS = 20;

export interface Network {
  center: User;
  /** This page of friends. */
  friends: User[];
  /** Friendships from this page on, up to FRIENDS_READ. */
  friendsFromHere: number;
  /** More friendships follow than were read: the count is a lower bound. */
  friendsTruncated: boolean;
  /** The `after` key of the next page, when there is one. */
  nextPage?: number;
  recommendations: { user: User; weight: number; mutual: User[] }[];
}

/** Reads a page of a user's network through the gateway: friends after friendship `after`, and the top recommendations. */
export async function loadNetwork(id: number, after = 0): Promise<Network> {
  const [center, friendships, recs] = await Promise.all([api.user(id), api.friends(id, FRIENDS_READ, after), api.recommend(id, DRAWN_RECOMMENDATIONS)]);
  const page = friendships.slice(0, DRAWN_FRIENDS);
  const friends = await Promise.all(page.map((f) => api.user(f.friendId).catch((): User => ({ id: f.friendId, firstName: null, lastName: null }))));
  const recommendations = await Promise.all(recs.map(async (r) => ({ ...r, mutual: await api.mutual(id, r.user.id, MUTUALS).catch(() => []) })));
  const nextPage = friendships.length > DRAWN_FRIENDS ? page.at(-1)!.id : undefined;
  return { center, friends, friendsFromHere: friendships.length, friendsTruncated: friendships.length >= FRIENDS_READ, nextPage, recommendations };
}

const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';

export type OnFocus = (id: number, label: string, role: 'centre' | 'friend' | 'recommended', position: number, of: number) => void;

/** Draws a Network with Cytoscape (pan, zoom, click a person to re-centre; or arrows and Enter). */
export function createGraph(container: HTMLElement, onPick: (id: number) => void, onFocus: OnFocus) {
  const cy = cytoscape({
    container,
    wheelSensitivity: 0.3,
    style: [
      { selector: 'node', style: { label: 'data(label)', color: css('--fg'), 'font-size': 10, 'text-valign': 'bottom', 'text-background-color': css('--bg'), 'text-background-opacity': 0.75, 'text-background-padding': '1px', 'background-color': css('--accent'), width: 18, height: 18 } },
      { selector: 'node.center', style: { width: 32, height: 32, 'font-weight': 'bold', 'font-size': 13 } },
      { selector: 'node.rec', style: { 'background-color': css('--rec'), shape: 'diamond' } },
      { selector: 'node:selected', style: { 'border-width': 3, 'border-color': css('--fg') } },
      { selector: 'edge', style: { width: 1.5, 'line-color': css('--line'), 'curve-style': 'straight' } },
      { selector: 'edge.friend', style: { 'line-color': css('--accent'), width: 2 } },
      { selector: 'edge.mutual', style: { 'line-style': 'dashed', 'line-color': css('--rec') } },
    ],
  });
  const userOf = (node: cytoscape.NodeSingular) => Number(node.id().slice(1));
  cy.on('tap', 'node', (e) => onPick(userOf(e.target)));

  // Keyboard: the graph is one tab stop; arrows move between the people drawn, Enter centres.
  let cursor = -1;
  const people = () => cy.nodes();
  function focusPerson(index: number) {
    const all = people();
    cursor = (index + all.length) % all.length;
    const node = all[cursor]!;
    all.unselect();
    node.select();
    // A person off screen (zoomed in, panned away) is brought into view.
    if (!isVisible(node)) cy.center(node);
    onFocus(userOf(node), node.data('label'), node.hasClass('center') ? 'centre' : node.hasClass('rec') ? 'recommended' : 'friend', cursor + 1, all.length);
  }
  const isVisible = (node: cytoscape.NodeSingular) => {
    const box = node.renderedBoundingBox();
    return box.x1 >= 0 && box.y1 >= 0 && box.x2 <= cy.width() && box.y2 <= cy.height();
  };
  container.addEventListener('keydown', (e) => {
    if (people().length === 0) return;
    const moves: Record<string, number> = { ArrowRight: cursor + 1, ArrowDown: cursor + 1, ArrowLeft: cursor <= 0 ? -1 : cursor - 1, ArrowUp: cursor <= 0 ? -1 : cursor - 1, Home: 0, End: -1 };
    if (e.key in moves) focusPerson(moves[e.key]!);
    else if ((e.key === 'Enter' || e.key === ' ') && cursor >= 0) onPick(userOf(people()[cursor]!));
    else return;
    e.preventDefault();
  });

  function draw(n: Network) {
    const nodes = new Map<string, cytoscape.ElementDefinition>();
    const edges: cytoscape.ElementDefinition[] = [];
    const node = (u: User, cls: string, extra = '') => {
      const id = `u${u.id}`;
      if (!nodes.has(id)) nodes.set(id, { data: { id, label: `${nameOf(u)} #${u.id}${extra}` }, classes: cls });
    };
    node(n.center, 'center');
    for (const f of n.friends) {
      node(f, 'friend');
      edges.push({ data: { id: `f${n.center.id}-${f.id}`, source: `u${n.center.id}`, target: `u${f.id}` }, classes: 'friend' });
    }
    for (const r of n.recommendations) {
      node(r.user, 'rec', ` (${r.weight})`);
      for (const m of r.mutual) {
        node(m, 'friend');
        if (!n.friends.some((f) => f.id === m.id)) edges.push({ data: { id: `f${n.center.id}-${m.id}`, source: `u${n.center.id}`, target: `u${m.id}` }, classes: 'friend' });
        edges.push({ data: { id: `m${r.user.id}-${m.id}`, source: `u${r.user.id}`, target: `u${m.id}` }, classes: 'mutual' });
      }
    }
    cursor = -1;
    cy.elements().remove();
    cy.add([...nodes.values(), ...edges]);
    cy.layout({ name: 'concentric', concentric: (el: any) => (el.hasClass('center') ? 3 : el.hasClass('friend') ? 2 : 1), levelWidth: () => 1, minNodeSpacing: 30, animate: false } as any).run();
  }

  return { draw, cy };
}
