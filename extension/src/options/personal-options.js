// Options page: the personal set (issue 12) listed per symbol, with delete, export (one JSON file, the format in
// shared/personal-set.js) and import. The background owns the stored set; this page only sends it messages.
import { PERSONAL_EXPORT, PERSONAL_IMPORT, PERSONAL_LIST, PERSONAL_REMOVE } from '../shared/messages.js';

const api = globalThis.browser ?? globalThis.chrome;
const body = document.querySelector('#personal-list tbody');
const empty = document.getElementById('personal-empty');
const status = document.getElementById('personal-status');

async function ask(message) {
  const answer = await api.runtime.sendMessage(message);
  if (!answer?.ok) throw new Error(answer?.error ?? 'the extension background did not answer');
  return answer;
}

/** "1 drawing", "2 drawings". */
function drawingCount(count) {
  return `${count} ${count === 1 ? 'drawing' : 'drawings'}`;
}

function say(text, isError = false) {
  status.textContent = text;
  status.dataset.error = String(isError);
}

export async function showPersonal() {
  let answer;
  try {
    answer = await ask({ type: PERSONAL_LIST });
  } catch (error) {
    say(error.message, true);
    return;
  }
  body.replaceChildren(
    ...answer.rows.map((row) => {
      const tr = document.createElement('tr');
      tr.dataset.symbolId = row.symbol.id;
      const command = document.createElement('code');
      command.textContent = row.symbol.command;
      const cells = [command, row.personal ? 'your symbol' : 'corrections', String(row.drawings)].map((content) => {
        const td = document.createElement('td');
        td.append(content);
        return td;
      });
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'remove';
      remove.textContent = 'Delete';
      remove.addEventListener('click', async () => {
        try {
          const done = await ask({ type: PERSONAL_REMOVE, symbolId: row.symbol.id });
          say(`Deleted ${drawingCount(done.removed)} of ${row.symbol.command}.`);
        } catch (error) {
          say(error.message, true);
        }
        await showPersonal();
      });
      const last = document.createElement('td');
      last.append(remove);
      tr.append(...cells, last);
      return tr;
    }),
  );
  empty.hidden = answer.rows.length > 0;
  document.getElementById('personal').dataset.examples = String(answer.examples);
}

document.getElementById('personal-export').addEventListener('click', async () => {
  try {
    const { data } = await ask({ type: PERSONAL_EXPORT });
    const url = URL.createObjectURL(new Blob([`${JSON.stringify(data)}\n`], { type: 'application/json' }));
    const link = Object.assign(document.createElement('a'), { href: url, download: 'texsketch-personal.json' });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    say(`Exported ${drawingCount(data.examples?.length ?? 0)} to texsketch-personal.json.`);
  } catch (error) {
    say(error.message, true);
  }
});

// A real button opens the file chooser: reachable and usable by keyboard (a <label> around a hidden input is not).
document.getElementById('personal-import-button').addEventListener('click', () => document.getElementById('personal-import').click());
document.getElementById('personal-import').addEventListener('change', async (event) => {
  const [file] = event.target.files;
  event.target.value = '';
  if (!file) return;
  try {
    let data;
    try {
      data = JSON.parse(await file.text());
    } catch {
      throw new Error(`${file.name} is not a JSON file`);
    }
    const done = await ask({ type: PERSONAL_IMPORT, data });
    say(`Imported ${done.added} new ${done.added === 1 ? 'drawing' : 'drawings'} from ${file.name}.`);
  } catch (error) {
    say(`Nothing imported: ${error.message}`, true);
  }
  await showPersonal();
});

showPersonal();
