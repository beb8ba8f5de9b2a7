"""multipart/form-data read by ``multipart``: the same form as Werkzeug's reader makes, within
the same limits; a body that cannot be read is answered 400 with its reason, and no file of
it stays open."""

from __future__ import annotations

import io
from typing import IO, Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from urllib3 import encode_multipart_formdata
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser, default_stream_factory

from registry.errors import MalformedInput
from registry.multipart_forms import CHUNK, MAX_HEADER_BYTES, MultipartFormParser
from tests import factories

BOUNDARY = "----appstore-test-boundary-7d1f"
MIB = 1024 * 1024


def body_of(values: MultiDict[str, Any], boundary: str = BOUNDARY) -> bytes:
    """The body as ``requests`` (urllib3) sends it."""
    fields = [(name, (value.filename, value.stream.read(), value.mimetype) if isinstance(value, FileStorage) else value)
              for name, value in values.items(multi=True)]
    return encode_multipart_formdata(fields, boundary)[0]


def parse(parser: FormDataParser, body: bytes, boundary: str = BOUNDARY,
          content_length: int | None = -1) -> tuple[MultiDict[str, str], MultiDict[str, FileStorage]]:
    length = len(body) if content_length == -1 else content_length
    _, form, files = parser.parse(io.BytesIO(body), "multipart/form-data", length, {"boundary": boundary})
    return form, files


def as_plain(form: MultiDict[str, str], files: MultiDict[str, FileStorage]) -> tuple[list[Any], list[Any]]:
    return (list(form.items(multi=True)),
            [(name, f.filename, f.mimetype, f.read()) for name, f in files.items(multi=True)])


# Texts as browsers and HTTP clients send them: any character but NUL and lone surrogates,
# CR and LF included (names are quoted by the encoder).
texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
names = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='"\\%'), min_size=1,
                max_size=20)
# File contents that hold what a boundary search can trip over: CR, LF, dashes, the boundary itself.
tricky = st.lists(st.sampled_from([b"\r", b"\n", b"\r\n", b"--", b"-", b"x", BOUNDARY.encode(),
                                   b"\r\n--" + BOUNDARY.encode()[:-1]]), max_size=30).map(b"".join)
contents = st.one_of(st.binary(max_size=200), tricky,
                     # Around the read size: the boundary lands across two reads.
                     st.integers(CHUNK - 80, CHUNK + 10).map(lambda size: b"a" * size)).filter(
    # A client picks a boundary that its contents do not hold (with the line break before them).
    lambda content: b"\r\n--" + BOUNDARY.encode() not in b"\r\n" + content)


@st.composite
def forms(draw: st.DrawFn) -> MultiDict[str, Any]:
    values: MultiDict[str, Any] = MultiDict()
    for _ in range(draw(st.integers(0, 5))):
        name = draw(names)
        if draw(st.booleans()):
            values.add(name, draw(texts))
        else:
            filename = draw(names)
            media = draw(st.sampled_from(["application/gzip", "text/plain", "application/octet-stream"]))
            values.add(name, FileStorage(io.BytesIO(draw(contents)), filename, name, content_type=media))
    return values


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(forms())
def test_a_form_reads_as_werkzeug_reads_it(values: MultiDict[str, Any]) -> None:
    body = body_of(values)
    ours = as_plain(*parse(MultipartFormParser(), body))
    werkzeugs = as_plain(*parse(FormDataParser(silent=False), body))
    assert ours == werkzeugs


def test_a_large_file_goes_to_the_stream_factory_and_arrives_whole() -> None:
    made: list[IO[bytes]] = []

    def factory(**kwargs: Any) -> IO[bytes]:
        made.append(default_stream_factory(**kwargs))
        return made[-1]

    package = bytes(range(256)) * (3 * MIB // 256)
    form, files = parse(MultipartFormParser(factory, max_form_memory_size=1000),
                        body_of(MultiDict({"signature": "c2ln", "package": FileStorage(io.BytesIO(package), "p.tgz")})))
    assert form["signature"] == "c2ln"
    assert files["package"].read() == package and files["package"].filename == "p.tgz"
    assert len(made) == 1  # the file, not the text field


def test_the_limits_of_forms_hold() -> None:
    many = body_of(MultiDict([(f"f{n}", "x") for n in range(11)]))
    with pytest.raises(RequestEntityTooLarge):
        parse(MultipartFormParser(max_form_parts=10), many)
    assert len(parse(MultipartFormParser(max_form_parts=11), many)[0]) == 11

    field = body_of(MultiDict({"note": "x" * 2000}))
    with pytest.raises(RequestEntityTooLarge):
        parse(MultipartFormParser(max_form_memory_size=1000), field)
    # Files are not held in memory: the text limit does not apply to them.
    upload = body_of(MultiDict({"package": FileStorage(io.BytesIO(b"y" * 5000), "p.tgz")}))
    assert parse(MultipartFormParser(max_form_memory_size=1000), upload)[1]["package"].read() == b"y" * 5000

    long_name = body_of(MultiDict({"n" * MAX_HEADER_BYTES: "x"}))
    with pytest.raises(RequestEntityTooLarge):
        parse(MultipartFormParser(), long_name)


@pytest.mark.parametrize(("body", "reason"), [
    (body_of(MultiDict({"a": "b"})).replace(b"\r\n", b"\n"), "line break"),
    (body_of(MultiDict({"a": "b"}))[:-(len(BOUNDARY) + 6)], "end of multipart stream"),
    (f"--{BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nb\r\n--{BOUNDARY}--\r\n".encode(), "Content-Disposition"),
    (b"no boundary anywhere in a body longer than the delimiter", "Boundary not found"),
])
def test_a_body_that_cannot_be_read_is_refused_with_its_reason(body: bytes, reason: str) -> None:
    with pytest.raises(MalformedInput) as refused:
        parse(MultipartFormParser(), body)
    assert reason in refused.value.detail and "CRLF" in refused.value.detail


def test_a_refusal_names_the_problem_without_the_bodys_bytes() -> None:
    undecodable = f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"\xff\xfe\"\r\n\r\nx\r\n--{BOUNDARY}--\r\n"
    with pytest.raises(MalformedInput) as refused:
        parse(MultipartFormParser(), undecodable.encode("latin-1"))
    assert "failed to decode" in refused.value.detail and "\\x" not in refused.value.detail
    with pytest.raises(RequestEntityTooLarge) as too_large:
        parse(MultipartFormParser(max_form_memory_size=10), body_of(MultiDict({"a\x00b": "x" * 20})))
    assert "\x00" not in str(too_large.value.description) and "a\\x00b" in str(too_large.value.description)


def test_a_refused_body_leaves_no_file_open() -> None:
    made: list[IO[bytes]] = []

    def factory(**kwargs: Any) -> IO[bytes]:
        made.append(default_stream_factory(**kwargs))
        return made[-1]

    whole = body_of(MultiDict({"package": FileStorage(io.BytesIO(b"z" * 100), "p.tgz"),
                               "later": FileStorage(io.BytesIO(b"w" * 100), "q.tgz")}))
    cut = whole[:whole.rindex(b"w" * 100) + 50]  # the second file is cut off
    with pytest.raises(MalformedInput):
        parse(MultipartFormParser(factory), cut)
    assert len(made) == 2 and all(stream.closed for stream in made)


def test_a_publish_with_a_malformed_body_is_answered_400_with_what_to_do(client: FlaskClient, token: str) -> None:
    body = body_of(MultiDict({"package": FileStorage(io.BytesIO(factories.package()), "p.tgz")}))
    answer = client.post("/api/v1/releases", data=body.replace(b"\r\n", b"\n"),
                         content_type=f"multipart/form-data; boundary={BOUNDARY}",
                         headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 400 and answer.mimetype == "application/problem+json"
    assert "CRLF" in answer.json["detail"]
    no_boundary = client.post("/api/v1/releases", data=body, content_type="multipart/form-data",
                              headers={"Authorization": f"Bearer {token}"})
    assert no_boundary.status_code == 400 and "no boundary" in no_boundary.json["detail"]


def test_a_publish_reads_its_package_through_the_parser(app: Flask, client: FlaskClient, token: str) -> None:
    body = body_of(MultiDict({"package": FileStorage(io.BytesIO(factories.package()), "p.tgz")}))
    answer = client.post("/api/v1/releases", data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}",
                         headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201, answer.json
    assert isinstance(app.request_class.form_data_parser_class(), MultipartFormParser)
