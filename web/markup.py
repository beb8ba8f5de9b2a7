"""Text from packages made safe to show: README and CHANGELOG as sanitised
markdown, publiccode.yml descriptions in the chosen language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import nh3
from flask import Flask
from markdown_it import MarkdownIt
from markupsafe import Markup

from sdk.per_thread import per_thread
from sdk.text import has_unstorable, printable

ALLOWED_TAGS = {
    "a", "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "img", "del",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}}


#: This thread's parser: markdown-it compiles its rule chains in the instance on first use,
#: and a thread that finds them half compiled by another applies no rule (a RuntimeError, a
#: 500, or text left out). Raw HTML in markdown is shown as text; nh3 then removes whatever
#: is left that could run script (javascript: links, event attributes).
_markdown = per_thread(lambda: MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table"))


def render_markdown(source: str | None, images: Callable[[str], str | None] | None = None) -> Markup:
    """Markdown as HTML that is safe to put in a page. Headings move down a
    level, because the page has its own h1.

    An image by a path inside the package shows through ``images`` (path -> URL);
    without it, or when it gives ``None``, the image keeps only its alt text.
    """
    if not source:
        return Markup("")
    html = _markdown().render(printable(source))
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")

    def image_source(tag: str, attribute: str, value: str) -> str | None:
        if tag != "img" or attribute != "src" or value.startswith("https://"):
            return value
        return images(value) if images is not None else None

    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, attribute_filter=image_source,
                      url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")
    return Markup(clean)


def description(publiccode: dict[str, Any] | None, language: str) -> dict[str, Any]:
    """The publiccode.yml description in ``language``, else Dutch, else English, else any."""
    texts = (publiccode or {}).get("descriptions") or {}
    for candidate in (language, "nl", "en", *texts):
        if isinstance(texts.get(candidate), dict):
            return texts[candidate]
    return {}


def init_app(app: Flask) -> None:
    app.jinja_env.finalize = encodable


def encodable(value: Any) -> Any:
    """Every value a template prints, made encodable as UTF-8.

    Packages can no longer bring NUL or unpaired surrogates in (the YAML loader
    refuses them), but releases stored before that still may; one such value
    would otherwise make the whole page a 500.
    """
    if isinstance(value, str) and has_unstorable(value):
        cleaned = printable(value)
        return Markup(cleaned) if isinstance(value, Markup) else cleaned
    return value
