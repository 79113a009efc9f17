import { $ } from './dom';
import { followEvents, traceOf, usersOf, type Envelope } from './events';

/**
 * The live event table: the newest N events kept, filtered by type and user, paused on request;
 * a row opens its envelope. `onEvent` hears every event, paused or not (the graph follows them).
 */
export function eventsView(onEvent: (e: Envelope) => void) {
  const received: Envelope[] = [];
  let selected: string | undefined;
  const typeSelect = $<HTMLSelectElement>('event-type');

  function row(e: Envelope): HTMLTableRowElement {
    const tr = document.createElement('tr');
    tr.tabIndex = 0;
    tr.dataset.type = e.type;
    tr.setAttribute('aria-selected', String(e.id === selected));
    for (const text of [String(e.position ?? ''), e.type, e.streamId, String(e.streamVersion), new Date(e.occurredAt).toLocaleTimeString(), traceOf(e).slice(0, 12), usersOf(e).join(', ')]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    const open = () => {
      selected = e.id;
      $('event-detail').textContent = JSON.stringify(e, null, 2);
      for (const other of $('event-rows').children) other.setAttribute('aria-selected', String(other === tr));
    };
    tr.addEventListener('click', open);
    tr.addEventListener('keydown', (k) => (k.key === 'Enter' || k.key === ' ') && (k.preventDefault(), open()));
    return tr;
  }

  function render() {
    const type = typeSelect.value;
    const user = Number($<HTMLInputElement>('event-user').value) || undefined;
    const shown = received.filter((e) => (!type || e.type === type) && (!user || usersOf(e).includes(user))).slice(-200).reverse();
    $('event-rows').replaceChildren(...shown.map(row));
  }

  // Events come in bursts: the table is drawn at most once a frame.
  let drawing = false;
  followEvents(
    (e) => {
      received.push(e);
      const keep = Math.max(10, Number($<HTMLInputElement>('event-keep').value) || 500);
      if (received.length > keep) received.splice(0, received.length - keep);
      if (![...typeSelect.options].some((o) => o.value === e.type)) typeSelect.add(new Option(e.type, e.type));
      $('event-count').textContent = String(received.length);
      onEvent(e);
      if ($<HTMLInputElement>('event-pause').checked || drawing) return;
      drawing = true;
      requestAnimationFrame(() => {
        drawing = false;
        render();
      });
    },
    (connected) => $('tab-events').classList.toggle('bad', !connected),
  );
  $('event-filters').addEventListener('input', render);
  $('event-filters').addEventListener('submit', (e) => e.preventDefault());
}
