"""Stage 5, measurements of shipped models: evaluation, the transfer measure, personal examples, benchmarks."""
