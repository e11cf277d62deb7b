"""Tests of the data stage (training/data): readers, labels, stroke synthesis and the dataset build."""
