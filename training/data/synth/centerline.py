"""A glyph image to pen strokes: skeletonise the ink, trace the skeleton into polylines, tidy them up.

The skeleton (scikit-image) is one pixel wide; it is read as a graph whose nodes are its ends and
junctions. Each path between nodes becomes a polyline, closed loops without nodes become closed
polylines. Short spurs (the skeleton's echo of serifs and corners) are pruned, paths that continue
each other smoothly through a junction are joined into one stroke, and pixel staircases are simplified
away (Ramer-Douglas-Peucker), so the result reads like the few strokes a hand would draw.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

Polyline = npt.NDArray[np.float64]  # [n, 2] points (x, y), y down

_NEIGHBOURS = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]


def image_to_strokes(ink: npt.NDArray[np.bool_], simplify_tolerance: float = 0.9) -> list[Polyline]:
    """Strokes tracing the centre-lines of the ink in `ink` (bool [h, w], True = ink), in pixel units."""
    from scipy import ndimage
    from skimage.morphology import skeletonize

    if not ink.any():
        return []
    hatching = hatch_filled_parts(ink)
    ink = outline_filled_parts(ink)
    skeleton = skeletonize(ink)
    half_width = float(np.median(ndimage.distance_transform_edt(ink)[skeleton])) if skeleton.any() else 1.0
    paths = trace_skeleton(skeleton)
    paths = prune_spurs(paths, max_length=max(2.0, 2.2 * half_width))
    paths = join_smooth_continuations(paths)
    strokes = [simplify(path, simplify_tolerance) for path in paths]
    # A stroke a pixel or two long is a dot: keep it as one (periods, the dot of an i).
    return [s for s in strokes if len(s) >= 1] + hatching


def _filled_parts(ink: npt.NDArray[np.bool_], filled_fraction: float) -> list[tuple[npt.NDArray[np.bool_], int]]:
    """(mask, longer side) of each filled part; see `outline_filled_parts` for what counts as filled."""
    from scipy import ndimage

    distance = ndimage.distance_transform_edt(ink)
    side = max(ink.shape)
    if distance.max() <= filled_fraction * 0.3 * side:
        return []
    parts, _ = ndimage.label(ink)
    filled = []
    for index, box in enumerate(ndimage.find_objects(parts), start=1):
        part_side = max(box[0].stop - box[0].start, box[1].stop - box[1].start)
        part = parts == index
        if part_side >= 0.3 * side and distance[part].max() > filled_fraction * part_side:
            filled.append((part, part_side))
    return filled


def hatch_filled_parts(
    ink: npt.NDArray[np.bool_], filled_fraction: float = 0.18, rows_per_side: int = 9
) -> list[Polyline]:
    """How a hand fills a black shape: one zig-zag stroke sweeping its inside, row by row. Without it a filled
    triangle traces like an open one (`\\blacktriangle` vs `\\Delta`), and the difference is lost."""
    from scipy import ndimage

    strokes = []
    distance = ndimage.distance_transform_edt(ink)
    for part, part_side in _filled_parts(ink, filled_fraction):
        inside = part & (distance > max(2.0, 0.03 * max(ink.shape)))
        spacing = max(2, round(part_side / rows_per_side))
        points: list[tuple[float, float]] = []
        for row in range(0, inside.shape[0], spacing):
            columns = np.flatnonzero(inside[row])
            if len(columns) < 2:
                continue
            ends = [(float(columns[0]), float(row)), (float(columns[-1]), float(row))]
            points += ends if len(points) % 4 == 0 else ends[::-1]  # alternate sweep direction
        if len(points) >= 4:
            strokes.append(np.array(points, dtype=np.float64))
    return strokes


def outline_filled_parts(ink: npt.NDArray[np.bool_], filled_fraction: float = 0.18) -> npt.NDArray[np.bool_]:
    """Filled shapes (a black heart, a solid triangle) as their outline: a hand draws the edge, not the
    medial axis a skeleton would give. A part counts as filled when its widest inner radius exceeds
    `filled_fraction` of its own longer side, and it is no dot (at least 0.3 of the picture's side);
    strokes of a font, even bold ones, stay far below that."""
    from scipy import ndimage

    filled = _filled_parts(ink, filled_fraction)
    if not filled:
        return ink
    distance = ndimage.distance_transform_edt(ink)
    out = ink.copy()
    thickness = max(2.0, 0.03 * max(ink.shape))
    for part, _ in filled:
        out[part & (distance > thickness)] = False  # keep a band along the edge
    return out


def trace_skeleton(skeleton: npt.NDArray[np.bool_]) -> list[Polyline]:
    """Every skeleton pixel on exactly one path; paths end at ends and junctions (degree != 2)."""
    pixels = set(zip(*np.nonzero(skeleton), strict=True))
    neighbours = {
        p: [(p[0] + dy, p[1] + dx) for dy, dx in _NEIGHBOURS if (p[0] + dy, p[1] + dx) in pixels] for p in pixels
    }
    # Drop diagonal links that short-cut an L of orthogonal links: they make false junctions.
    for p in pixels:
        neighbours[p] = [q for q in neighbours[p] if not _is_redundant_diagonal(p, q, pixels)]
    nodes = {p for p, n in neighbours.items() if len(n) != 2}
    visited_links: set[tuple[tuple[int, int], tuple[int, int]]] = set()
    paths: list[list[tuple[int, int]]] = []

    def walk(start: tuple[int, int], first: tuple[int, int]) -> list[tuple[int, int]]:
        path = [start, first]
        visited_links.add((start, first))
        visited_links.add((first, start))
        previous, current = start, first
        while current not in nodes:
            following = [q for q in neighbours[current] if q != previous and (current, q) not in visited_links]
            if not following:
                break
            previous, current = current, following[0]
            visited_links.add((previous, current))
            visited_links.add((current, previous))
            path.append(current)
            if current == start:
                break
        return path

    for node in sorted(nodes):
        if not neighbours[node]:
            paths.append([node])  # an isolated pixel: a dot
            continue
        for first in neighbours[node]:
            if (node, first) not in visited_links:
                paths.append(walk(node, first))
    # What is left are loops with no node on them (an o, a 0): start anywhere.
    for pixel in sorted(pixels):
        for first in neighbours[pixel]:
            if (pixel, first) not in visited_links:
                paths.append(walk(pixel, first))
    return [np.array([(x, y) for y, x in path], dtype=np.float64) for path in paths]


def _is_redundant_diagonal(p: tuple[int, int], q: tuple[int, int], pixels: set[tuple[int, int]]) -> bool:
    dy, dx = q[0] - p[0], q[1] - p[1]
    if dy == 0 or dx == 0:
        return False
    return (p[0] + dy, p[1]) in pixels or (p[0], p[1] + dx) in pixels


def path_length(path: Polyline) -> float:
    return float(np.hypot(*np.diff(path, axis=0).T).sum()) if len(path) > 1 else 0.0


def prune_spurs(paths: list[Polyline], max_length: float) -> list[Polyline]:
    """Drop short paths that hang off a junction by one free end (serif and corner echoes of the skeleton)."""
    ends: dict[tuple[float, float], int] = {}
    for path in paths:
        for point in (path[0], path[-1]):
            ends[(point[0], point[1])] = ends.get((point[0], point[1]), 0) + 1

    def is_spur(path: Polyline) -> bool:
        if len(paths) == 1 or path_length(path) > max_length:
            return False
        start = ends[(path[0][0], path[0][1])]
        end = ends[(path[-1][0], path[-1][1])]
        return (start == 1) != (end == 1)  # one end free, the other on a junction

    kept = [p for p in paths if not is_spur(p)]
    return kept or paths


def join_smooth_continuations(paths: list[Polyline], max_turn_degrees: float = 50.0) -> list[Polyline]:
    """Join paths that meet end to end and continue each other's direction (a stroke the junction cut in two)."""
    paths = [p for p in paths if len(p) > 0]
    changed = True
    while changed:
        changed = False
        best: tuple[float, int, int, bool, bool] | None = None
        for i, a in enumerate(paths):
            for j in range(i + 1, len(paths)):
                b = paths[j]
                for a_end in (False, True):
                    for b_start in (True, False):
                        pa = a[-1] if a_end else a[0]
                        pb = b[0] if b_start else b[-1]
                        if abs(pa[0] - pb[0]) > 1.5 or abs(pa[1] - pb[1]) > 1.5:
                            continue
                        turn = _turn_degrees(a if a_end else a[::-1], b if b_start else b[::-1])
                        if turn <= max_turn_degrees and (best is None or turn < best[0]):
                            best = (turn, i, j, a_end, b_start)
        if best is not None:
            _, i, j, a_end, b_start = best
            a = paths[i] if a_end else paths[i][::-1]
            b = paths[j] if b_start else paths[j][::-1]
            joined = np.concatenate([a, b[1:]]) if np.array_equal(a[-1], b[0]) else np.concatenate([a, b])
            paths = [p for k, p in enumerate(paths) if k not in (i, j)] + [joined]
            changed = True
    return paths


def _turn_degrees(incoming: Polyline, outgoing: Polyline, reach: int = 6) -> float:
    """How sharply the pen turns going from the end of `incoming` into the start of `outgoing`."""
    if len(incoming) < 2 or len(outgoing) < 2:
        return 180.0
    d1 = incoming[-1] - incoming[max(0, len(incoming) - 1 - reach)]
    d2 = outgoing[min(len(outgoing) - 1, reach)] - outgoing[0]
    n1, n2 = math.hypot(*d1), math.hypot(*d2)
    if n1 == 0 or n2 == 0:
        return 180.0
    cosine = max(-1.0, min(1.0, float(d1 @ d2) / (n1 * n2)))
    return math.degrees(math.acos(cosine))


def simplify(path: Polyline, tolerance: float) -> Polyline:
    """Ramer-Douglas-Peucker: the fewest points that stay within `tolerance` of the path."""
    if len(path) < 3:
        return path
    keep = np.zeros(len(path), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(path) - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        a, b = path[first], path[last]
        segment = b - a
        length = math.hypot(*segment)
        points = path[first + 1 : last]
        if length == 0:
            distances = np.hypot(*(points - a).T)
        else:
            distances = np.abs(segment[0] * (points[:, 1] - a[1]) - segment[1] * (points[:, 0] - a[0])) / length
        index = int(np.argmax(distances))
        if distances[index] > tolerance:
            middle = first + 1 + index
            keep[middle] = True
            stack.append((first, middle))
            stack.append((middle, last))
    return path[keep]
