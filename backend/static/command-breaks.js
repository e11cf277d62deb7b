// Where a LaTeX command name may wrap in a narrow box (the demo page's 5-column search grid): before a word it is
// made of (\left|right|harpoons, \text|ascii|circum), never inside one, so "\textasciicircum" does not end a line
// with "\textasc". A classic script (no build step): it defines commandPieces, which demo.js calls.
"use strict";

// Words LaTeX symbol names are built from; the longest one that starts at a position wins.
const COMMAND_WORDS = (
  "text math big Big long Long left Left right Right up Up down Down arrow arrows Arrow harpoon harpoons circle " +
  "circled circum square triangle black white small large var eq leq geq neq tail hook double dbl dot dots ast circ " +
  "plus minus times slash wedge vee cup cap bar tilde hat ascii sub sup set prec succ sim approx angle brace bracket " +
  "quote quotes mark line head less greater not sqrt int oint sum prod star diamond box rule lozenge frown smile " +
  "parallel perp infty shift ward north south east west lower upper cross check breve acute grave dagger section " +
  "paragraph copyright registered degree currency yen pound euro cent space zero one two three four five six seven " +
  "eight nine half quarter quarters fraction percent mill number open close bullet period colon comma semicolon " +
  "centered asterisk tie straight base dash rev epsilon clockwise glot stop hyphen char old style dollar thousand " +
  "superior inferior tone letter stem pipe raise turn leg dotless monetary apostrophe solidus medium barb over under " +
  "paren frac subset supset union exists forall empty neg cdot ldots vdots ddots cdots triple quad curly wave squig " +
  "zig zag lightning moon spherical diameter measured models vdash dashv natural sharp flat club heart spade maps " +
  "mapsto from fill filled integral"
)
  .split(" ")
  .sort((a, b) => b.length - a.length);
// A piece shorter than this is not cut off: "\\l|eq" or "circ|um" would be breaks inside a word.
const SHORTEST_PIECE = 3;

/** `command` cut where it may wrap: the pieces, in order; joined they give `command` back. */
function commandPieces(command) {
  const pieces = [];
  let current = "";
  const long = (text) => text.replace("\\", "").length >= SHORTEST_PIECE;
  for (let i = 0; i < command.length; ) {
    const word = command[i] === "\\" ? null : COMMAND_WORDS.find((w) => command.startsWith(w, i));
    if ((command[i] === "\\" || word) && long(current)) {
      pieces.push(current);
      current = "";
    }
    const take = word ? word.length : 1;
    current += command.slice(i, i + take);
    i += take;
  }
  // A short tail joins the piece before it.
  if (pieces.length && !long(current)) pieces[pieces.length - 1] += current;
  else if (current) pieces.push(current);
  return pieces;
}
