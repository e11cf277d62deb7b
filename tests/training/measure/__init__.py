"""Tests of the measure stage (training/measure): evaluation, the transfer measure, personal examples."""
