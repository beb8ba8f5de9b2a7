"""``multipart/form-data`` bodies read by the ``multipart`` package.

Werkzeug's own reader compiles two regular expressions for the boundary of every
body; as clients choose a new boundary for each upload, that compilation was about
6 % of the instructions of a publish. ``multipart`` finds the boundary with a plain
byte search. Everything else stays Werkzeug's: ``request.form`` and ``request.files``
hold the same fields and ``FileStorage`` objects, file parts go to the request's
stream factory (memory, then a temporary file), and Flask's limits apply:
``MAX_FORM_PARTS`` parts, ``MAX_FORM_MEMORY_SIZE`` bytes of a text field (413).

The reader is strict, as RFC 7578 is: CRLF line breaks, a ``Content-Disposition``
of ``form-data`` with a name, a closing boundary. What it cannot read is answered
400 with its reason, rather than read as an empty form.
"""

from __future__ import annotations

import math
from typing import IO, Any

from flask import Request
from multipart import MultipartError, MultipartSegment, ParserLimitReached, PushMultipartParser
from werkzeug.datastructures import FileStorage, Headers
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser

from registry.errors import MalformedInput
from sdk.text import shown

#: Bytes read from the request at a time.
CHUNK = 64 * 1024
#: A part's header line at most: a name, a file name and a media type fit easily. The
#: bound also bounds the work of the package's option pattern on one header line.
MAX_HEADER_BYTES = 1024
#: Header lines of one part at most (RFC 7578 defines three).
MAX_HEADERS = 8
#: What a page says of a body this reader refuses (``web.labels.ERROR_TEXTS``).
UNREADABLE = "form.unreadable"
CLOSING = ("Send it as HTTP clients do: CRLF line breaks, a Content-Disposition of form-data with a name "
           "for each part, and the closing boundary.")


class MultipartFormParser(FormDataParser):
    """Werkzeug's form parser, with ``multipart/form-data`` read by ``multipart``."""

    def parse(self, stream: IO[bytes], mimetype: str, content_length: int | None,
              options: dict[str, str] | None = None) -> tuple[IO[bytes], Any, Any]:
        if mimetype != "multipart/form-data":
            return super().parse(stream, mimetype, content_length, options)
        boundary = (options or {}).get("boundary", "")
        if not boundary:
            raise MalformedInput(f"The multipart/form-data body names no boundary in its Content-Type. {CLOSING}",
                                 page_code=UNREADABLE)
        try:
            fields, files = self._read(stream, boundary, content_length)
        except ParserLimitReached as exc:
            raise RequestEntityTooLarge(f"The form is too large: {_reason(exc)}.") from None
        except MultipartError as exc:
            raise MalformedInput(f"The multipart/form-data body cannot be read: {_reason(exc)}. {CLOSING}",
                                 page_code=UNREADABLE) from None
        return stream, self.cls(fields), self.cls(files)

    def _read(self, stream: IO[bytes], boundary: str,
              content_length: int | None) -> tuple[list[tuple[str, str]], list[tuple[str, FileStorage]]]:
        """The text fields and the files of the body, in their order."""
        fields: list[tuple[str, str]] = []
        files: list[tuple[str, FileStorage]] = []
        parser = PushMultipartParser(
            boundary, content_length if content_length is not None else -1,
            max_header_size=MAX_HEADER_BYTES, max_header_count=MAX_HEADERS,
            max_segment_count=self.max_form_parts if self.max_form_parts is not None else math.inf,
            strict=True)
        part: _Part | None = None
        try:
            while True:
                chunk = stream.read(CHUNK)
                for event in parser.parse(chunk):  # an empty chunk ends the body: it must be complete
                    if isinstance(event, MultipartSegment):
                        part = _Part(event, self, content_length)
                    elif event is None:
                        assert part is not None
                        part.end(fields, files)
                        part = None
                    else:
                        assert part is not None
                        part.add(event)
                if not chunk:
                    return fields, files
        except BaseException:
            for _, storage in files:
                storage.close()
            if part is not None:
                part.discard()
            raise


class _Part:
    """One part as it arrives: a text field's bytes in memory (within ``max_form_memory_size``),
    a file's in a stream of the request's stream factory."""

    def __init__(self, segment: MultipartSegment, parser: MultipartFormParser, content_length: int | None) -> None:
        self.segment = segment
        self.limit = parser.max_form_memory_size
        self.text: list[bytes] = []
        self.size = 0
        self.file: IO[bytes] | None = None
        if segment.filename is not None:
            self.file = parser.stream_factory(total_content_length=content_length, content_type=segment.content_type,
                                              filename=segment.filename, content_length=None)

    def add(self, data: bytes) -> None:
        if self.file is not None:
            self.file.write(data)
            return
        self.size += len(data)
        if self.limit is not None and self.size > self.limit:
            raise RequestEntityTooLarge(
                f"The form field `{shown(self.segment.name)}` is larger than {self.limit} bytes.")
        self.text.append(data)

    def end(self, fields: list[tuple[str, str]], files: list[tuple[str, FileStorage]]) -> None:
        name = self.segment.name or ""
        if self.file is None:
            fields.append((name, b"".join(self.text).decode("utf-8", "replace")))
            return
        self.file.seek(0)
        files.append((name, FileStorage(self.file, self.segment.filename, name,
                                        headers=Headers(self.segment.headerlist))))
        self.file = None

    def discard(self) -> None:
        if self.file is not None:
            self.file.close()


def _reason(error: MultipartError) -> str:
    """The parser's own words for what it refused (its first argument: a later one may hold the
    bytes of the body)."""
    return str(error.args[0]) if error.args else type(error).__name__


class RegistryRequest(Request):
    """Flask's request, reading forms with ``MultipartFormParser``."""

    form_data_parser_class = MultipartFormParser
