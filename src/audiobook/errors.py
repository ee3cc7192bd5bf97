"""Error types. Only the CLI entry point catches these and turns them into one line."""


class AudiobookError(Exception):
    """Base of every error this package raises on purpose."""


class UserError(AudiobookError):
    """The user's input or settings are wrong; exit status 2, no traceback."""
