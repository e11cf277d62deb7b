// Teaching a personal symbol in the panel (issue 12): type the LaTeX it should insert (`\R`, `\mathbb{R}`,
// `\xrightarrow{}`), then draw it DRAWINGS_PER_SYMBOL times, pressing "Keep" after each; the background stores
// the drawings' embeddings (extension storage only) and the symbol is a candidate from the next drawing on.
import { DRAWINGS_PER_SYMBOL, MAX_SNIPPET_LENGTH } from '../shared/personal-set.js';

export const TEACH_MARKUP = `
        <form class="teach" hidden>
          <label>Insert <input name="snippet" spellcheck="false" autocomplete="off" maxlength="${MAX_SNIPPET_LENGTH}"
            placeholder="\\mathbb{R}"></label>
          <div class="teach-row"><button type="submit" class="keep">Keep drawing</button>
            <span class="teach-count">0/${DRAWINGS_PER_SYMBOL}</span><button type="button" class="cancel-teach">Cancel</button></div>
          <div class="teach-note">Draw the symbol, wait for candidates, press Keep; ${DRAWINGS_PER_SYMBOL} times.
            <button type="button" class="open-personal" title="List, delete, export or import your symbols and corrections">Your symbols…</button></div>
        </form>`;

export class TeachForm {
  /**
   * @param {object} deps
   * @param {HTMLFormElement} deps.form the `.teach` form of TEACH_MARKUP
   * @param {() => ({strokes, embedding, model}|null)} deps.current the drawing on screen, if it has an answer
   * @param {() => void} deps.clear clear the canvas for the next drawing
   * @param {(text: string, kind?: string) => void} deps.status the panel's status line
   * @param {(request: {snippet: string, drawings: object[]}) => Promise<object>} deps.save the background's answer
   * @param {() => void} [deps.openOptions] opens the options page, where the personal set is managed
   */
  constructor({ form, current, clear, status, save, openOptions = () => {} }) {
    Object.assign(this, { form, current, clear, status, save });
    form.querySelector('.open-personal').addEventListener('click', () => openOptions());
    this.drawings = [];
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.keep();
    });
    form.querySelector('.cancel-teach').addEventListener('click', () => this.close());
  }

  get isOpen() {
    return !this.form.hidden;
  }

  open() {
    this.drawings = [];
    this.#count();
    this.form.hidden = false;
    this.form.snippet.focus();
  }

  close() {
    this.form.hidden = true;
    this.drawings = [];
    this.#count();
  }

  async keep() {
    const snippet = this.form.snippet.value.trim();
    if (!snippet) {
      this.status('Type the LaTeX the symbol should insert first.', 'error');
      return;
    }
    const drawing = this.current();
    if (!drawing) {
      this.status('Draw the symbol and wait for its candidates, then press Keep.', 'error');
      return;
    }
    this.drawings.push(drawing);
    this.#count();
    this.clear();
    if (this.drawings.length < DRAWINGS_PER_SYMBOL) {
      this.status(`Kept drawing ${this.drawings.length} of ${DRAWINGS_PER_SYMBOL} for ${snippet}. Draw it again.`);
      return;
    }
    const drawings = this.drawings;
    this.drawings = [];
    try {
      await this.save({ snippet, drawings });
      this.form.snippet.value = '';
      this.close();
      this.status(`Learnt ${snippet} from ${DRAWINGS_PER_SYMBOL} drawings: draw it and it is a candidate.`);
    } catch (error) {
      this.#count();
      this.status(`Could not keep ${snippet}: ${error.message}`, 'error');
    }
  }

  #count() {
    this.form.querySelector('.teach-count').textContent = `${this.drawings.length}/${DRAWINGS_PER_SYMBOL}`;
    this.form.dataset.kept = String(this.drawings.length);
  }
}
