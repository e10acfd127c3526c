"""Exception types raised by sstbias; every message names the offending file or config key."""


class SstbiasError(Exception):
    """Base class of all sstbias errors."""


class ConfigError(SstbiasError):
    """A configuration value is missing, of the wrong type or inconsistent; the message names the key."""


class InputDataError(SstbiasError):
    """An input file is unreadable, truncated, not netCDF, or holds unexpected content; names the file."""


class ModelDirectoryError(SstbiasError):
    """A trained model folder is missing, incomplete, modified or from an incompatible version; names what differs."""


class OutputPathError(SstbiasError):
    """An output cannot be written where it was asked: not a new path or a regular file, or no space left."""


class DownloadError(SstbiasError):
    """A download failed for good (a 4xx answer, or retries exhausted); names the URL and the raw file.

    ``status`` is the HTTP status of the last answer, when there was one.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
