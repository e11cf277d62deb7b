// The symbol catalogue (models/symbols.json, contracts section 1) as the offline recognizer needs it:
// entries by id and the members of each glyph group, in file order (the server's order too).

export function modeOf(symbol) {
  if (symbol.math && symbol.text) return 'both';
  return symbol.text ? 'text' : 'math';
}

export function brief(symbol) {
  return { id: symbol.id, command: symbol.command, package: symbol.package, mode: modeOf(symbol) };
}

/** A symbol as /predict lists it (backend/symbol_json.py `summary`), alternatives included, score left out. */
export function summary(symbol, catalogue) {
  return {
    ...brief(symbol),
    unicode: symbol.unicode ?? null,
    preview_url: symbol.preview ? `/${symbol.preview}` : null,
    alternatives: catalogue.members(symbol.glyph).filter((m) => m.id !== symbol.id).map(brief),
  };
}

export class Catalogue {
  constructor(json) {
    if (!json || !Array.isArray(json.symbols)) throw new Error('symbols.json: no "symbols" list');
    this.byId = new Map();
    this.groups = new Map();
    for (const symbol of json.symbols) {
      this.byId.set(symbol.id, symbol);
      const glyph = symbol.glyph ?? symbol.id;
      if (!this.groups.has(glyph)) this.groups.set(glyph, []);
      this.groups.get(glyph).push(symbol);
    }
  }

  members(glyph) {
    return this.groups.get(glyph) ?? [];
  }
}
