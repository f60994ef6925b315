"""Markdown written by people (articles, campaigns) to HTML that is safe to show anywhere.

One function for the whole project: `render(source)`. Two layers, so that neither alone has to be
perfect:

1. Python-Markdown with raw HTML switched off: `<script>` typed in the text comes out as the text
   `&lt;script&gt;`, not as an element;
2. nh3 (the maintained Rust sanitiser ammonia) over the result, with a short list of the elements
   Markdown makes and the attributes they need. A link or image with a scheme other than http,
   https, mailto or tel (`javascript:`, `data:`, `vbscript:`) loses its target; relative links
   (`/kennisbank/…`, `#kop`) stay.

Nothing is added: no `rel`, no `target`, no rewriting or tracking of links (a campaign's links are
exactly those written). The source is stored as written; render when showing or saving the HTML.
"""

import markdown as _markdown
import nh3

# What Python-Markdown (with sane_lists) produces, and nothing else.
TAGS = frozenset(
    {
        "a",
        "blockquote",
        "br",
        "code",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "ul",
    }
)
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def _markdown_converter() -> _markdown.Markdown:
    md = _markdown.Markdown(extensions=["sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")  # raw HTML blocks are text
    md.inlinePatterns.deregister("html")  # and so is inline HTML
    return md


def sanitise(html: str) -> str:
    """Keep only the elements and attributes of `TAGS` and `ATTRIBUTES` and safe link targets."""
    return nh3.clean(
        html,
        tags=set(TAGS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


def render(source: str) -> str:
    """Markdown to sanitised HTML (an empty string for an empty source)."""
    if not source or not source.strip():
        return ""
    return sanitise(_markdown_converter().convert(source))
