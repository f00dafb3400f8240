"""The page scripts: one ``.js`` file each in ``pages/js/``, read once, so they can be read, diffed and
tested as code (``tests/e2e/test_page_scripts.py`` runs each in a real Chromium, in a frame and in a
shadow root).

A script file is one function expression, or a library of helpers (an expression ending ``)()``, its
value an object). A line ``// uses: deep, other`` gives it those files as constants of the same names
(``deep.js``: the page beyond one document tree, every open shadow root). Whole-line ``//`` comments are
dropped, so a file may end with one.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

FOLDER = Path(__file__).with_name("js")
_USES = re.compile(r"^\s*// uses: (.+)$", re.M)


@functools.cache
def script(name: str) -> str:
    """The script ``pages/js/<name>.js``, with what it uses bound in front of it."""
    source = (FOLDER / f"{name}.js").read_text(encoding="utf-8")
    uses = [u.strip() for line in _USES.findall(source) for u in line.split(",") if u.strip()]
    body = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("//")).strip()
    if not uses:
        return body
    bound = "\n".join(f"const {u} = {script(u)};" for u in uses)
    if body.endswith(")()"):  # a library: its value, with what it uses bound
        return f"(() => {{\n{bound}\nreturn {body};\n}})()"
    return f"(a, b) => {{\n{bound}\nreturn ({body})(a, b);\n}}"


@functools.cache
def fetched(name: str) -> str:
    """``name``'s script run on the page at an address as the server sends it now (``fetch_page.js``), with that
    page as its ``document``: called with ``[href, ms, arg]`` (``ms``: how long the fetch may take); null where no
    such page came."""
    fetch, run = script("fetch_page"), script(name)
    return f"async ([href, ms, arg]) => {{\nconst document = await ({fetch})(href, ms);\nreturn document === null ? null : ({run})(arg);\n}}"


def names() -> list[str]:
    """Every script there is."""
    return sorted(p.stem for p in FOLDER.glob("*.js"))
