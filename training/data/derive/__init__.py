"""Derived real drawings (issue 23): real drawings of one class turned into drawings of a related class that has no
real handwriting (`training/catalogue/relations.json`): turned or mirrored, struck through with a real `/` or `|`,
put inside a real circle or square, stacked or lined up with other real drawings.

- `packed`: a drawing's strokes as one fixed-size row (`strokes.npy`, row-aligned with the set's other arrays);
- `compose`: the geometry (transform a drawing, place it in a box, join parts);
- `plan`: which derived rows a build makes (per class, capped, spread over donors) and their donors;
- `from_set`: derivation as a function of a set's own arrays (donors: its real training rows' drawings), used by the
  build, by `training.learn.trainset.load` for a copy whose real rows changed, and by the transfer measure;
- `rows`: the derived rows rendered and appended to a set's arrays;
- `fresh`: a new hand variation of every derived row for each epoch.
"""
