"""The printable clinician handbook on ketamine for depression: build machinery and patient sheet."""

__version__ = "0.1.0"
