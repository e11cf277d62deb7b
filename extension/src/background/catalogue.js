// The symbol catalogue (models/symbols.json, contracts section 1) as the offline recognizer needs it:
// entries by id and the members of each glyph group, in file order (the server's order too).

export function modeOf(symbol) {
  if (symbol.math && symbol.text) return 'both';
  return symbol.text ? 'text' : 'math';
}

export function brief(symbol) {
  return { id: symbol.id, command: symbol.command, package: symbol.package, mode: modeOf(symbol) };
}

/** 0 for the kernel, 1 for amsmath/amssymb, 2 for any other package (backend/symbol_json.py `package_weight`). */
export function packageWeight(symbol) {
  if (symbol.package == null) return 0;
  return symbol.package === 'amsmath' || symbol.package === 'amssymb' ? 1 : 2;
}

/**
 * The alternatives a prediction lists, by backend/symbol_json.py `also`'s rule: the other commands of its glyph
 * group, each once and with its lightest package (the kernel's \lor, not MnSymbol's), never the answer's own
 * command (another package's copy), only those usable in a mode the answer is used in.
 */
export function also(symbol, members) {
  const chosen = new Map(); // insertion order: where the command first appears in the group
  for (const member of members) {
    if (member.command === symbol.command || !((symbol.math && member.math) || (symbol.text && member.text))) continue;
    const best = chosen.get(member.command);
    if (best === undefined || packageWeight(member) < packageWeight(best)) chosen.set(member.command, member);
  }
  return [...chosen.values()].map(brief);
}

/** A symbol as /predict lists it (backend/symbol_json.py `summary`), alternatives included, score left out. */
export function summary(symbol, catalogue) {
  return {
    ...brief(symbol),
    unicode: symbol.unicode ?? null,
    preview_url: symbol.preview ? `/${symbol.preview}` : null,
    alternatives: also(symbol, catalogue.members(symbol.glyph)),
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
