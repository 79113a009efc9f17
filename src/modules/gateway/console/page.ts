/** The console's one page: plain HTML with labelled controls; the script fills it in. */
export const consolePage = ({ jwt }: { jwt: boolean }) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <meta name="color-scheme" content="light dark" />
  <title>Social network console</title>
  <link rel="stylesheet" href="/console/assets/console.css" />
</head>
<body data-auth="${jwt ? 'jwt' : 'off'}">
  <header>
    <h1>Social network console</h1>
    <nav aria-label="Views" role="tablist">
      <button role="tab" id="tab-graph" aria-controls="view-graph" aria-selected="true">Graph</button>
      <button role="tab" id="tab-events" aria-controls="view-events" aria-selected="false" tabindex="-1">Events <span id="event-count" aria-label="events received">0</span></button>
      <button role="tab" id="tab-system" aria-controls="view-system" aria-selected="false" tabindex="-1">System</button>
    </nav>
    <a href="/swagger">API (Swagger UI)</a>
    <form id="token-form" ${jwt ? '' : 'hidden'}><label>Bearer token <input id="token" type="password" autocomplete="off" /></label><button>Use</button></form>
  </header>
  <p id="auth-note" role="alert" hidden></p>
  <main>
    <section id="view-graph" role="tabpanel" aria-labelledby="tab-graph">
      <div class="side">
        <form id="search-form" role="search">
          <label for="search">Find a user (name or id)</label>
          <input id="search" name="name" required autocomplete="off" />
          <button>Search</button>
        </form>
        <ul id="search-results" aria-label="Search results"></ul>
        <h2 id="center-title">No user selected</h2>
        <p id="graph-note" aria-live="polite"></p>
        <details open><summary>Act</summary>
          <form id="create-form"><fieldset><legend>Create user</legend>
            <label>First name <input name="firstName" required /></label>
            <label>Last name <input name="lastName" required /></label>
            <button>Create</button></fieldset></form>
          <form id="rename-form"><fieldset><legend>Rename selected user</legend>
            <label>First name <input name="firstName" required /></label>
            <label>Last name <input name="lastName" required /></label>
            <button>Rename</button></fieldset></form>
          <form id="friend-form"><fieldset><legend>Friendship of selected user</legend>
            <label>Friend id <input name="friendId" type="number" min="1" required /></label>
            <button name="op" value="add">Add friend</button>
            <button name="op" value="remove">Remove friend</button></fieldset></form>
        </details>
        <p id="status" role="status" aria-live="polite"></p>
        <h3>Friends <span id="friend-count">0</span></h3>
        <nav id="friend-pages" aria-label="Pages of friends" hidden><button type="button" id="friends-previous">Previous friends</button> <button type="button" id="friends-next">Next friends</button></nav>
        <ul id="friend-list" aria-label="Friends"></ul>
        <h3>Recommended <span id="recommendation-count">0</span></h3>
        <ul id="recommendation-list" aria-label="Recommended people"></ul>
      </div>
      <div class="graph-pane">
        <div id="graph" aria-busy="false" tabindex="0" role="application" aria-roledescription="network graph" aria-label="Network of the selected user" aria-describedby="graph-help"></div>
        <p id="graph-help">Drag to pan, scroll to zoom, click a person to centre on them. With the keyboard: focus the graph, arrows move between people, Enter centres on the one selected.</p>
        <p id="graph-focus" aria-live="polite"></p>
      </div>
    </section>
    <section id="view-events" role="tabpanel" aria-labelledby="tab-events" hidden>
      <form id="event-filters" class="filters">
        <label>Type <select id="event-type"><option value="">all</option></select></label>
        <label>User id <input id="event-user" type="number" min="1" /></label>
        <label><input id="event-pause" type="checkbox" /> Pause</label>
        <label>Keep newest <input id="event-keep" type="number" min="10" max="5000" value="500" /></label>
      </form>
      <div class="split">
        <table aria-label="Events, newest first"><thead><tr><th>#</th><th>Type</th><th>Stream</th><th>Version</th><th>Time</th><th>Trace</th><th>Users</th></tr></thead><tbody id="event-rows"></tbody></table>
        <pre id="event-detail" aria-label="Selected event envelope" tabindex="0">Select an event to see its envelope.</pre>
      </div>
    </section>
    <section id="view-system" role="tabpanel" aria-labelledby="tab-system" hidden>
      <p id="system-note" aria-live="polite"></p>
      <table aria-label="Instances"><thead><tr><th>Service</th><th>Instance</th><th>Address</th><th>Status</th><th>Last heartbeat</th><th>Circuit</th><th>Outbox backlog</th><th>Consumer lag</th></tr></thead><tbody id="system-rows"></tbody></table>
    </section>
  </main>
  <script type="module" src="/console/assets/console.js"></script>
</body>
</html>`;

export const consoleStyles = `
:root { color-scheme: light dark; --bg: #fff; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --accent: #0969da; --rec: #bf5700; --panel: #f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #30363d; --accent: #4493f8; --rec: #f0883e; --panel: #161b22; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; background: var(--bg); color: var(--fg); }
header { display: flex; gap: 1rem; align-items: center; padding: .5rem 1rem; border-bottom: 1px solid var(--line); background: var(--panel); flex-wrap: wrap; }
h1 { font-size: 1.1rem; margin: 0; }
h2 { font-size: 1rem; } h3 { font-size: .95rem; margin: .8rem 0 .2rem; }
a { color: var(--accent); }
button, input, select { font: inherit; color: inherit; background: var(--bg); border: 1px solid var(--line); border-radius: 4px; padding: .2rem .5rem; }
button { cursor: pointer; }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
[role=tab][aria-selected=true] { border-color: var(--accent); color: var(--accent); font-weight: 600; }
#view-graph { display: grid; grid-template-columns: 22rem 1fr; height: calc(100vh - 3.2rem); }
.side { overflow: auto; padding: .5rem 1rem; border-right: 1px solid var(--line); }
/* min-width 0: a grid item otherwise grows to the canvas Cytoscape drew for a wider window. */
.graph-pane { display: grid; grid-template-rows: 1fr auto auto; min-height: 0; min-width: 0; }
#graph { min-height: 400px; overflow: hidden; }
#graph-help, #graph-focus { margin: .2rem 1rem; color: var(--muted); }
fieldset { border: 1px solid var(--line); margin: .4rem 0; display: grid; gap: .3rem; }
label { display: block; }
ul { padding-left: 1.1rem; margin: .2rem 0; }
li button { border: none; background: none; color: var(--accent); padding: 0; text-decoration: underline; }
#status { color: var(--muted); min-height: 1.2em; }
section { padding: 0; } #view-events, #view-system { padding: .5rem 1rem; }
.filters { display: flex; gap: 1rem; flex-wrap: wrap; align-items: end; margin-bottom: .5rem; }
.split { display: grid; grid-template-columns: 1fr 28rem; gap: 1rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .2rem .4rem; border-bottom: 1px solid var(--line); font-variant-numeric: tabular-nums; }
tbody tr[tabindex] { cursor: pointer; } tbody tr[aria-selected=true] { background: var(--panel); outline: 1px solid var(--accent); }
pre { background: var(--panel); padding: .5rem; overflow: auto; max-height: 80vh; margin: 0; }
#auth-note { margin: 0; padding: .5rem 1rem; background: var(--panel); border-bottom: 2px solid #cf222e; }
.ok { color: #1a7f37; } .bad { color: #cf222e; }
[hidden] { display: none !important; }
/* Phone width: one column; the graph below the controls; wide tables scroll inside themselves. */
@media (max-width: 760px) {
  #view-graph { grid-template-columns: 1fr; height: auto; }
  .side { border-right: none; border-bottom: 1px solid var(--line); }
  #graph { height: 70vh; }
  .split { grid-template-columns: 1fr; }
  table { display: block; overflow-x: auto; }
}
`;
