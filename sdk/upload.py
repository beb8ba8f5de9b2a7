"""A multipart/form-data body that streams one file and reports progress.

requests reads the whole file into memory when given ``files=``; this body is
read in blocks as it is sent, has a known length (so the registry can refuse
a too-large upload early) and calls back after each block, for a progress bar.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

BLOCK = 64 * 1024


class MultipartFile:
    """``field=<file>`` as a multipart body, readable once.

    Deliberately not an ``io`` object: requests would ask it for ``tell()``
    and fall back to chunked encoding, which not every server accepts.
    """

    def __init__(self, field: str, path: Path, *, content_type: str = "application/gzip",
                 progress: Callable[[int, int], None] | None = None,
                 fields: Mapping[str, str] | None = None) -> None:
        self.boundary = "appstore-" + secrets.token_hex(16)
        filename = Path(path).name.replace('"', "")
        # Plain text fields (names and values are ours: no quotes, no line breaks) go before the file.
        texts = "".join(f'--{self.boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                        for name, value in (fields or {}).items())
        self._head = texts.encode() + (
            f"--{self.boundary}\r\n"
            f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        self._tail = f"\r\n--{self.boundary}--\r\n".encode()
        self._file = Path(path).open("rb")
        self._size = Path(path).stat().st_size
        self._length = len(self._head) + self._size + len(self._tail)
        self._sent = 0
        self._progress = progress
        self._pending = self._head

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def __len__(self) -> int:
        return self._length

    def read(self, size: int = -1) -> bytes:
        size = BLOCK if size is None or size < 0 else size
        out = bytearray()
        while len(out) < size:
            if not self._pending:
                self._pending = self._next_piece()
                if not self._pending:
                    break
            take = size - len(out)
            out += self._pending[:take]
            self._pending = self._pending[take:]
        self._sent += len(out)
        if self._progress is not None and out:
            self._progress(min(self._sent, self._length), self._length)
        return bytes(out)

    def _next_piece(self) -> bytes:
        if self._file.closed:
            return b""
        chunk = self._file.read(BLOCK)
        if chunk:
            return chunk
        self._file.close()
        tail, self._tail = self._tail, b""
        return tail

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self.read(BLOCK):
            yield chunk

    def close(self) -> None:
        self._file.close()
