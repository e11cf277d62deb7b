"""Symbol catalogue generator: `python -m training.catalogue` writes models/symbols.json and models/previews/."""
