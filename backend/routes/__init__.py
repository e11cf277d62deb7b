"""One router per resource: predict, symbols (with previews), health, metrics, demo page."""
