import cytoscape from 'cytoscape';
import { api, nameOf, type User } from './api';

/** Friends drawn around the centre; a hub's other friends are counted, listed up to this many, not drawn. */
export const DRAWN_FRIENDS = 60;
/** Friend ids read per user: enough to count most users exactly; a hub shows "1000+". */
const FRIENDS_READ = 1000;
export const DRAWN_RECOMMENDATIONS = 15;
/** Mutual friends asked per drawn recommendation. */
const MUTUALS = 20;

export interface Network {
  center: User;
  friends: User[];
  friendCount: number;
  friendsTruncated: boolean;
  recommendations: { user: User; weight: number; mutual: User[] }[];
}

/** Reads a user's network through the gateway: the first friends (by friendship order) and top recommendations. */
export async function loadNetwork(id: number): Promise<Network> {
  const [center, friendships, recs] = await Promise.all([api.user(id), api.friends(id, FRIENDS_READ), api.recommend(id, DRAWN_RECOMMENDATIONS)]);
  const friends = await Promise.all(friendships.slice(0, DRAWN_FRIENDS).map((f) => api.user(f.friendId).catch((): User => ({ id: f.friendId, firstName: null, lastName: null }))));
  const recommendations = await Promise.all(recs.map(async (r) => ({ ...r, mutual: await api.mutual(id, r.user.id, MUTUALS).catch(() => []) })));
  return { center, friends, friendCount: friendships.length, friendsTruncated: friendships.length >= FRIENDS_READ, recommendations };
}

const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';

/** Draws a Network with Cytoscape (pan, zoom, click a person to re-centre). */
export function createGraph(container: HTMLElement, onPick: (id: number) => void) {
  const cy = cytoscape({
    container,
    wheelSensitivity: 0.3,
    style: [
      { selector: 'node', style: { label: 'data(label)', color: css('--fg'), 'font-size': 10, 'text-valign': 'bottom', 'text-background-color': css('--bg'), 'text-background-opacity': 0.75, 'text-background-padding': '1px', 'background-color': css('--accent'), width: 18, height: 18 } },
      { selector: 'node.center', style: { width: 32, height: 32, 'font-weight': 'bold', 'font-size': 13 } },
      { selector: 'node.rec', style: { 'background-color': css('--rec'), shape: 'diamond' } },
      { selector: 'edge', style: { width: 1.5, 'line-color': css('--line'), 'curve-style': 'straight' } },
      { selector: 'edge.friend', style: { 'line-color': css('--accent'), width: 2 } },
      { selector: 'edge.mutual', style: { 'line-style': 'dashed', 'line-color': css('--rec') } },
    ],
  });
  cy.on('tap', 'node', (e) => onPick(Number(e.target.id().slice(1))));

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
    cy.elements().remove();
    cy.add([...nodes.values(), ...edges]);
    cy.layout({ name: 'concentric', concentric: (el: any) => (el.hasClass('center') ? 3 : el.hasClass('friend') ? 2 : 1), levelWidth: () => 1, minNodeSpacing: 30, animate: false } as any).run();
  }

  return { draw, cy };
}
