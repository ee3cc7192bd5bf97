"""audiobook: offline text-to-speech audiobooks and dramatised readings."""

__version__ = "0.1.0"
