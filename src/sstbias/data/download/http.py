"""Streaming HTTP downloads with retries, payload validation and atomic placement (standard library + tqdm).

One call fetches one URL into one raw file: the body streams to a temporary file beside the target in fixed
chunks (memory stays flat whatever the size), is validated, and only then renamed to the target. A failed
or interrupted download never leaves a partial or invalid file under the target's name, and never replaces
a file that is already there.

Retried with exponential backoff: timeouts, refused or broken connections, HTTP 5xx, 408 and 429 (honouring
``Retry-After``), bodies shorter than their ``Content-Length``, and malformed payloads (an HTML/text error
page, a truncated or unreadable netCDF file). Not retried: other HTTP 4xx answers (a wrong URL or query) and
payloads that are well-formed but hold the wrong content; they raise DownloadError at once.
"""

from __future__ import annotations

import http.client
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

import sstbias
from sstbias.atomic import atomic_write, remove_stale_temporaries
from sstbias.errors import DownloadError, InputDataError

log = logging.getLogger("sstbias.data.download")

_ERROR_SNIPPET_BYTES = 300
_RETRIED_CLIENT_ERRORS = (408, 429)


class MalformedPayload(InputDataError):
    """The answer is not a complete netCDF file (an error page, a truncated or unreadable body): retried."""


class _Retryable(Exception):
    """A transient failure; ``retry_after`` (s) is the server's requested wait, if it gave one."""

    def __init__(self, message: str, retry_after: float | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.status = status


@dataclass(frozen=True)
class HttpSettings:
    """How to talk to one server.

    ``timeout_s`` bounds the connection and every read (s); ``retries`` is the number of extra attempts after
    the first; the wait before retry k (1-based) is ``backoff_s * 2**(k-1)`` capped at ``backoff_max_s`` (s).
    """

    timeout_s: float
    retries: int
    backoff_s: float
    backoff_max_s: float
    user_agent: str
    chunk_bytes: int = 1 << 16
    progress: bool = True

    @classmethod
    def from_config(cls, remote: dict, server: str) -> HttpSettings:
        """Settings of ``server`` (hycom or oisst) from the config's ``remote`` section."""
        return cls(
            timeout_s=float(remote[server]["timeout_s"]),
            retries=int(remote["retries"]),
            backoff_s=float(remote["backoff_s"]),
            backoff_max_s=float(remote["backoff_max_s"]),
            user_agent=user_agent(remote.get("contact", "")),
        )


def user_agent(contact: str = "") -> str:
    """A polite User-Agent naming this software, and how to reach its user when ``contact`` is given."""
    reach = f"; contact: {contact}" if contact else ""
    return f"sstbias/{sstbias.__version__} (SST bias-correction research workflow; Python-urllib{reach})"


def download(
    url: str,
    target: str | Path,
    settings: HttpSettings,
    validate: Callable[[Path], object],
) -> Path:
    """Fetch ``url`` into ``target`` (validated by ``validate(path)``), retrying transient failures.

    ``validate`` raises MalformedPayload for a body that is not a complete netCDF file (retried) and
    InputDataError for wrong content (not retried). Raises DownloadError naming the URL and the target.
    """
    target = Path(target)
    for leftover in remove_stale_temporaries(target):
        log.info("removed %s left by an interrupted download", leftover)
    attempts = settings.retries + 1
    started = time.perf_counter()
    for attempt in range(1, attempts + 1):
        try:
            atomic_write(target, lambda tmp: _fetch_valid(url, tmp, settings, validate, target.name))
            break
        except _Retryable as err:
            if attempt == attempts:
                raise DownloadError(
                    f"{url}: {err}; gave up after {attempts} attempts ({target} not written)", err.status
                ) from err
            wait = min(settings.backoff_s * 2 ** (attempt - 1), settings.backoff_max_s)
            if err.retry_after is not None:
                wait = min(max(wait, err.retry_after), settings.backoff_max_s)
            log.warning("%s: %s; retry %d of %d in %.1f s", url, err, attempt, settings.retries, wait)
            time.sleep(wait)
    seconds = time.perf_counter() - started
    log.info("%s -> %s: %.3f MB in %.1f s, %d attempt(s)", url, target, target.stat().st_size / 1e6, seconds, attempt)
    return target


def _fetch_valid(url: str, tmp: Path, settings: HttpSettings, validate: Callable[[Path], object], label: str) -> None:
    """Stream ``url`` into ``tmp`` and validate it; failures are _Retryable or DownloadError."""
    _stream(url, tmp, settings, label)
    try:
        validate(tmp)
    except MalformedPayload as err:
        raise _Retryable(_answer(err, tmp)) from err
    except InputDataError as err:
        raise DownloadError(f"{url}: unexpected content: {_answer(err, tmp)}") from err


def _answer(err: Exception, tmp: Path) -> str:
    """The validation message with the temporary file's name replaced by what it is."""
    return str(err).replace(str(tmp), "the answer")


def _stream(url: str, tmp: Path, settings: HttpSettings, label: str) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": settings.user_agent, "Accept-Encoding": "identity"})
    try:
        with urllib.request.urlopen(request, timeout=settings.timeout_s) as response:
            length = response.headers.get("Content-Length")
            expected = int(length) if length and length.isdigit() else None
            received = 0
            with (
                tmp.open("wb") as out,
                tqdm(
                    total=expected,
                    unit="B",
                    unit_scale=True,
                    desc=label,
                    disable=not settings.progress,
                    mininterval=1.0,
                    leave=False,
                ) as bar,
            ):
                while chunk := response.read(settings.chunk_bytes):
                    out.write(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
    except urllib.error.HTTPError as err:
        raise _http_error(url, err) from err
    except TimeoutError as err:
        raise _Retryable(f"no answer within the {settings.timeout_s:g} s timeout") from err
    except urllib.error.URLError as err:
        if isinstance(err.reason, TimeoutError):
            raise _Retryable(f"no connection within the {settings.timeout_s:g} s timeout") from err
        raise _Retryable(f"connection failed ({err.reason})") from err
    except (http.client.HTTPException, ConnectionError) as err:
        raise _Retryable(f"connection broken ({type(err).__name__}: {err})") from err
    if expected is not None and received < expected:
        raise _Retryable(f"truncated body: {received} of {expected} bytes announced by Content-Length")


def _http_error(url: str, err: urllib.error.HTTPError) -> Exception:
    try:
        body = err.read(_ERROR_SNIPPET_BYTES).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        body = ""
    snippet = " ".join(body.split())
    status = f"HTTP {err.code} {err.reason}" + (f": {snippet!r}" if snippet else "")
    if err.code >= 500 or err.code in _RETRIED_CLIENT_ERRORS:
        retry_after = err.headers.get("Retry-After", "") if err.headers else ""
        return _Retryable(status, float(retry_after) if retry_after.isdigit() else None, err.code)
    return DownloadError(f"{url}: {status} (a client error: check the URL and the query; not retried)", err.code)
