"""The voice package's exceptions: one base, translated at the edge."""

from __future__ import annotations


class VoiceError(Exception):
    """Base of every error raised by :mod:`display.voice`."""


class InvalidCall(VoiceError, ValueError):
    """A call cannot be announced: bad ticket number, window or repeat count.

    Also a ``ValueError`` so that callers validating request arguments can
    treat it like any other bad value.
    """


class ToolMissing(VoiceError):
    """espeak-ng or sox is not installed, so the clips cannot be generated."""


class ToolFailed(VoiceError):
    """espeak-ng or sox ran but failed; the message carries its stderr."""


class ClipsNotReady(VoiceError):
    """The clips directory is missing, incomplete or in an unexpected format."""
