"""A small structural check of a rendered page (the browser journey runs axe as well): tags
close in order, ids are unique, every form control has a label, every reference by id
(label for, aria-describedby, aria-labelledby, in-page links) points at something, tables have
captions and scoped headers, fieldsets a legend."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
LABELLED = {"select", "textarea"}
NO_LABEL_INPUTS = {"hidden", "submit", "button", "reset", "image"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.stack: list[tuple[str, dict]] = []
        self.ids: dict[str, int] = {}
        self.label_for: set[str] = set()
        self.controls: list[tuple[str, dict]] = []
        self.references: list[tuple[str, str]] = []
        self.tables: list[dict] = []
        self.fieldsets: list[dict] = []
        self.wrapping_labels = 0

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        if "id" in attributes:
            self.ids[attributes["id"]] = self.ids.get(attributes["id"], 0) + 1
        if tag == "label":
            if attributes.get("for"):
                self.label_for.add(attributes["for"])
                self.references.append(("label for", attributes["for"]))
            else:
                self.wrapping_labels += 1
        for name in ("aria-describedby", "aria-labelledby"):
            for ref in attributes.get(name, "").split():
                self.references.append((name, ref))
        if (
            tag == "a"
            and attributes.get("href", "").startswith("#")
            and len(attributes["href"]) > 1
        ):
            self.references.append(("link", attributes["href"][1:]))
        if tag in LABELLED or (
            tag == "input" and attributes.get("type", "text") not in NO_LABEL_INPUTS
        ):
            self.controls.append((tag, attributes))
        if tag == "table":
            self.tables.append({"caption": False})
        if tag == "caption" and self.tables:
            self.tables[-1]["caption"] = True
        if tag == "th" and "scope" not in attributes:
            self.problems.append("<th> without scope")
        if tag == "fieldset":
            self.fieldsets.append({"legend": False, "children": 0})
        elif self.fieldsets and self.stack and self.stack[-1][0] == "fieldset":
            fieldset = self.fieldsets[-1]
            if fieldset["children"] == 0 and tag == "legend":
                fieldset["legend"] = True
            fieldset["children"] += 1
        if tag not in VOID:
            self.stack.append((tag, attributes))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack:
            self.problems.append(f"</{tag}> without an open element")
            return
        open_tag, _attrs = self.stack.pop()
        if open_tag != tag:
            self.problems.append(f"</{tag}> closes <{open_tag}>")
            self.stack = [s for s in self.stack if s[0] != tag]
        if tag == "table":
            table = self.tables.pop()
            if not table["caption"]:
                self.problems.append("<table> without <caption>")
        if tag == "fieldset":
            fieldset = self.fieldsets.pop()
            if not fieldset["legend"]:
                self.problems.append("<fieldset> without <legend> as first child")


def page_problems(html: str) -> list[str]:
    """Everything wrong with the page's structure (empty: fine)."""
    page = _Page()
    page.feed(html)
    page.close()
    problems = list(page.problems)
    problems += [f"unclosed <{tag}>" for tag, _a in page.stack]
    problems += [f'duplicate id "{i}"' for i, n in page.ids.items() if n > 1]
    problems += [
        f'{kind} "{ref}" points at nothing' for kind, ref in page.references if ref not in page.ids
    ]
    for tag, attributes in page.controls:
        named = attributes.get("aria-label") or attributes.get("aria-labelledby")
        if not named and attributes.get("id") not in page.label_for:
            problems.append(f"<{tag} name={attributes.get('name')!r}> has no label")
    return problems
