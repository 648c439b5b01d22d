"""pii-lint: check Python code against a shop's privacy policy."""

__version__ = "0.1.0"
