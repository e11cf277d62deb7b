"""Tests of the catalogue stage (training/catalogue)."""
