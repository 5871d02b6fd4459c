// A small single-page app: client-side routing, identify on login, custom events.
import { init } from 'openstory';

const FS = init({
  orgId: window._fs_org,
  host: window._fs_host,
  // Anything matching these selectors never leaves the browser.
  exclude: ['.secret'],
});

const state = { user: null, notes: ['Check the mooring lines'] };
const view = document.getElementById('view');

const routes = {
  '/spa/': () => `<h1>Tide Notes</h1><p>${state.user ? `Hello, ${state.user.name}.` : 'Log in to keep notes.'}</p>`,
  '/spa/notes': () => `
    <h1>Notes</h1>
    <ul>${state.notes.map((note) => `<li>${note}</li>`).join('')}</ul>
    <form id="add"><input name="note" placeholder="New note"><button>Add</button></form>
    <p class="secret">Recovery code: 4417-2290 (excluded from recording)</p>`,
  '/spa/login': () =>
    state.user
      ? `<h1>Account</h1><p>${state.user.email}</p><button id="logout">Log out</button>`
      : `<h1>Log in</h1>
         <form id="login">
           <input name="email" type="email" placeholder="you@example.com" value="river@example.com">
           <input name="password" type="password" placeholder="password">
           <button>Log in</button>
         </form>`,
};

function render() {
  const route = routes[location.pathname] ?? routes['/spa/'];
  view.innerHTML = route();
}

function navigate(path) {
  history.pushState({}, '', path);
  render();
}

document.addEventListener('click', (event) => {
  const link = event.target.closest('a[data-route]');
  if (link) {
    event.preventDefault();
    navigate(link.getAttribute('href'));
  }
  if (event.target.id === 'logout') {
    state.user = null;
    FS.anonymize();
    navigate('/spa/');
  }
});

document.addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  if (form.id === 'login') {
    const email = form.email.value;
    state.user = { id: `acct-${email.split('@')[0]}`, name: email.split('@')[0], email };
    FS.identify(state.user.id, { displayName: state.user.name, email });
    FS.event('Logged In', { method: 'password' });
    navigate('/spa/notes');
  }
  if (form.id === 'add') {
    state.notes.push(form.note.value || 'Untitled');
    FS.event('Note Added', { length_int: (form.note.value || '').length, total_int: state.notes.length });
    render();
  }
});

window.addEventListener('popstate', render);
render();
