import { api } from './api';

const cell = (text: string, cls = '') => {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
};

/** Fills the instance table from `/console/api/system`. */
export async function refreshSystem(rows: HTMLElement, note: HTMLElement) {
  try {
    const view = await api.system();
    note.textContent = view.discovery.reachable ? `${view.instances.length} instances known to discovery, as of ${new Date(view.at).toLocaleTimeString()}` : `Discovery unreachable: ${view.discovery.detail}`;
    rows.replaceChildren(
      ...view.instances.map((i: any) => {
        const tr = document.createElement('tr');
        const age = (Date.now() - Date.parse(i.lastHeartbeatAt)) / 1000;
        tr.append(
          cell(i.service),
          cell(i.instanceId),
          cell(i.url),
          cell(age < 30 ? 'UP' : 'LATE', age < 30 ? 'ok' : 'bad'),
          cell(`${new Date(i.lastHeartbeatAt).toLocaleTimeString()} (${age.toFixed(1)} s ago)`),
          cell(i.circuit, i.circuit === 'open' ? 'bad' : ''),
          cell(i.outboxBacklog === undefined ? '–' : String(i.outboxBacklog)),
          cell(i.projectionLag === undefined ? '–' : String(i.projectionLag)),
        );
        return tr;
      }),
    );
  } catch (error) {
    note.textContent = `System view failed: ${(error as Error).message}`;
  }
}
