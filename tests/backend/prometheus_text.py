"""Reading /metrics answers in tests with prometheus_client's own parser (label order is not part of the format)."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families


def sample_value(text: str, name: str, **labels: str) -> float:
    """The value of the sample `name{labels}` (exactly these labels), 0 when absent; checks the text parses."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0
