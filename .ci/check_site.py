"""Check the built docs (``site/``) for what ``mkdocs build --strict`` lets through.

Run by ``.ci/run`` after the build: ``python .ci/check_site.py [SITE_DIR]``. Exits 1 with
one line per problem:

- an HTML id used twice on one page (a link to it lands on the first);
- ``builtins.`` in a signature (griffe's spelling of ``list`` inside a class with a
  method named ``list``; ``docs/griffe_wxm.py`` rewrites it);
- httpx's ``sync_auth_flow`` listed as part of our API;
- an attrs class of the API reference shown without its signature;
- a signature line longer than ``line_length`` in ``mkdocs.yml`` (88): the signatures
  were not formatted, which happens when neither ruff nor black is installed.
"""

from __future__ import annotations

import html as html_lib
import re
import sys
from collections import Counter
from pathlib import Path

_ID = re.compile(r'\sid="([^"]+)"')
_SIGNATURE = re.compile(r'class="doc-signature highlight"><pre>(.*?)</pre>', re.DOTALL)
_LINE_LENGTH = 88  # mkdocs.yml: mkdocstrings' line_length
# Classes built by attrs whose signature the reference must show (docs/griffe_wxm.py).
_SIGNATURES = {
    "wxm_async.testing.RateLimit": "RateLimit(",
    "wxm_async.RetryPolicy": "RetryPolicy(",
    "wxm_async.ResponseFilter": "ResponseFilter(",
}


def problems(site: Path) -> list[str]:
    """Return the problems found in the built site at ``site``."""
    found = []
    pages = sorted(site.rglob("*.html"))
    if not pages:
        return [f"{site}: no HTML pages: build the docs first"]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        name = page.relative_to(site)
        for id_, count in Counter(_ID.findall(html)).items():
            if count > 1:
                found.append(f"{name}: id {id_!r} appears {count} times")
        rendered_api = 'class="doc doc-object' in html  # a page mkdocstrings wrote on
        if rendered_api and "builtins." in re.sub(r"<[^>]+>", "", html):
            found.append(f"{name}: 'builtins.' in the text")
        for block in _SIGNATURE.findall(html):
            for line in html_lib.unescape(re.sub(r"<[^>]+>", "", block)).splitlines():
                if len(line) > _LINE_LENGTH:
                    found.append(f"{name}: signature not formatted: {line[:60]}...")
        if 'id="wxm_async.WXMAuth.sync_auth_flow"' in html:
            found.append(f"{name}: lists httpx's sync_auth_flow as WXMAuth's")
    api = site / "reference" / "api" / "index.html"
    html = api.read_text(encoding="utf-8") if api.exists() else ""
    for id_, signature in _SIGNATURES.items():
        # The signature block comes between the object's heading and its contents.
        start = html.find(f'id="{id_}"')
        end = html.find('class="doc doc-contents', start)
        head = html[start:end]
        text = re.sub(r"<[^>]+>", "", head[head.find('class="doc-signature') :])
        if start < 0 or 'class="doc-signature' not in head or signature not in text:
            found.append(f"{api.relative_to(site)}: {id_} shows no signature")
    return found


if __name__ == "__main__":
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "site")
    found = problems(site)
    for problem in found:
        print(f"check_site: {problem}", file=sys.stderr)
    sys.exit(1 if found else 0)
