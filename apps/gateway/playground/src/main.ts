import { signIn, signOut, token, whenSignedOut } from './api.js';
import { Chat } from './chat.js';
import { Conversations } from './conversations.js';
import { byId } from './dom.js';
import { Editor } from './editor.js';

// The playground's entry: the sign-in form until the admin token is accepted, then the tabs.

const login = byId('login');
const app = byId('app');
const chat = new Chat();
const editor = new Editor((agentId) => chat.useAgent(agentId));
const conversations = new Conversations();

function showLogin(message = ''): void {
  app.hidden = true;
  login.hidden = false;
  byId('login-error').textContent = message;
  byId<HTMLInputElement>('token').focus();
}

async function showApp(): Promise<void> {
  login.hidden = true;
  app.hidden = false;
  showTab('try');
  await editor.load(new URLSearchParams(location.search).get('agent') ?? undefined);
}

function showTab(name: 'try' | 'conversations'): void {
  for (const tab of document.querySelectorAll<HTMLElement>('[data-tab]')) {
    tab.hidden = tab.dataset.tab !== name;
  }
  for (const button of document.querySelectorAll<HTMLElement>('[data-show]')) {
    button.classList.toggle('current', button.dataset.show === name);
  }
  if (name === 'conversations') void conversations.load();
}

whenSignedOut(() => showLogin('Signed out: the admin token was refused.'));

byId('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const field = byId<HTMLInputElement>('token');
  void signIn(field.value.trim()).then((refused) => {
    field.value = '';
    if (refused) showLogin(refused);
    else void showApp();
  });
});
byId('sign-out').addEventListener('click', () => {
  signOut();
  showLogin();
});
for (const button of document.querySelectorAll<HTMLElement>('[data-show]')) {
  button.addEventListener('click', () => showTab(button.dataset.show as 'try' | 'conversations'));
}

if (token()) void showApp();
else showLogin();
