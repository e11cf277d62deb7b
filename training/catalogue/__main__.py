"""`python -m training.catalogue --data-root ../shared/data`: regenerate models/symbols.json and previews.

`--regroup` recomputes only the glyph groups and aliases of the committed symbols.json (no TeX, no data).
`--usage` counts every catalogue command in TeX Live's documentation sources and writes models/usage.json."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from training.catalogue.aliases import ALIASES_PATH
from training.catalogue.build import CatalogueConfig, build_catalogue
from training.catalogue.regroup import RegroupConfig, regroup_catalogue
from training.catalogue.unicode_table import OVERRIDES_PATH
from training.catalogue.usage import UsageConfig, write_usage


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m training.catalogue", description=__doc__)
    parser.add_argument("--data-root", type=Path, default=Path("../shared/data"), help="the shared data folder")
    parser.add_argument("--models-dir", type=Path, default=Path("models"), help="where symbols.json goes")
    parser.add_argument("--no-tex", action="store_true", help="tables only: no package probe, no LaTeX previews")
    parser.add_argument("--no-previews", action="store_true", help="write symbols.json only")
    parser.add_argument(
        "--readme", type=Path, default=Path("training/catalogue/README.md"), help="README with a generated section"
    )
    parser.add_argument(
        "--regroup", action="store_true", help="only regroup the committed symbols.json (look-alikes, aliases)"
    )
    parser.add_argument(
        "--usage", action="store_true", help="count command usage in TeX Live's documentation (models/usage.json)"
    )
    args = parser.parse_args(argv)
    if args.usage:
        symbols = json.loads((args.models_dir / "symbols.json").read_text(encoding="utf-8"))["symbols"]
        config = UsageConfig(output=args.models_dir / "usage.json")
        result = write_usage(config, [symbol["command"] for symbol in symbols])
        used = sum(files > 0 for files, _ in result["usage"].values())
        print(
            f"usage: {used} of {len(result['usage'])} commands occur in {result['corpus']['files']} files "
            f"({result['corpus']['characters'] / 1e6:.1f} M characters) -> {config.output}"
        )
        return
    if args.regroup:
        done = regroup_catalogue(RegroupConfig(args.models_dir, OVERRIDES_PATH, ALIASES_PATH, args.readme))
        print(
            f"catalogue regrouped: {done.symbols} symbols, {done.groups} glyph groups, {done.aliases} aliases "
            f"({done.previews_copied} previews copied from their targets)"
        )
        return
    config = CatalogueConfig(
        data_root=args.data_root,
        models_dir=args.models_dir,
        use_tex=not args.no_tex,
        previews=not args.no_previews,
        readme=args.readme,
    )
    report = build_catalogue(config)
    print(
        f"catalogue: {report.symbols} symbols, {report.groups} glyph groups, by source {report.by_source}; "
        f"{len(report.without_unicode)} without Unicode; {len(report.left_out)} Typst labels left out; "
        f"{len(report.unicode_font_previews)} unicode-font previews; previews {report.preview_bytes / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
