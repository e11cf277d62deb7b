"""Stage 2, dataset -> samples -> images: source readers, label mapping, stroke synthesis and the dataset build."""
