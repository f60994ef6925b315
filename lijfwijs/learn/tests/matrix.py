"""Learn's part of the authorization matrix (lijfwijs/core/tests/test_authz_matrix.py): the pages
where a practice writes its articles, the feeds and the sitemap. (The knowledge base's list and
article pages have their rows in the matrix itself.)

`routes()` gives this app's rows (key: the URL pattern as the matrix names it; value: a matrix
`Route`); `build(users, practice)` makes the objects those URLs point at and returns the ids they use
({name} in a Route's url).
"""

from typing import Any


def routes() -> dict[str, Any]:
    return {}


def build(users: dict[str, Any], practice: Any) -> dict[str, str]:
    return {}
