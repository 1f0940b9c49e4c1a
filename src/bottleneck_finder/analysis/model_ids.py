"""Stable BPMN and PNML files: pm4py names elements by random uuids, `id()` numbers and the
clock, and lists them in set order, so two identical runs wrote different files. `stable_xml`
renames every element id by the model's structure around it (Weisfeiler–Lehman refinement:
an element is known by its tag, its attributes and text, and the elements it refers to) and
sorts the elements whose order carries no meaning, so the same model gives the same bytes."""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET

REF_ATTRIBUTES = frozenset({"sourceRef", "targetRef", "bpmnElement", "source", "target", "idref"})
"""Attributes holding another element's id (BPMN flows and diagram, PNML arcs and markings)."""
REF_TEXTS = frozenset({"incoming", "outgoing"})
"""Elements whose text is another element's id (BPMN)."""
LOCAL_ID = "localNodeID"
"""A PNML tool attribute holding one more random uuid of its transition: set to its new id."""
ROUNDS = 30


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def stable_xml(data: bytes) -> bytes:
    """`data` (a BPMN or PNML document written by pm4py) with ids derived from the model's
    structure and its unordered elements sorted: byte-identical for the same model."""
    for prefix, uri in re.findall(rb'xmlns:([\w.-]+)="([^"]+)"', data):
        ET.register_namespace(prefix.decode(), uri.decode())
    root = ET.fromstring(data)
    owner: dict[ET.Element, ET.Element | None] = {}  # element -> nearest element with an id

    def walk(element: ET.Element, current: ET.Element | None) -> None:
        owner[element] = current
        for child in element:
            walk(child, element if element.get("id") is not None else current)

    walk(root, None)
    holders = [e for e in root.iter() if e.get("id") is not None]
    ids = {str(e.get("id")) for e in holders}

    def is_self_name(element: ET.Element) -> bool:
        """A PNML name text repeating its element's own id (places, the net)."""
        holder = owner.get(element)
        if holder is not None and _local(holder.tag) == "transition":
            # a visible transition's name is its activity, even when pm4py made it the id too
            # (heuristics nets): only a silent one's name is a mere id
            silent = any(e.get("activity") == "$invisible$" for e in holder.iter())
            if not silent:
                return False
        return (
            _local(element.tag) == "text"
            and holder is not None
            and (element.text or "") == holder.get("id")
        )

    def describe(holder: ET.Element, labels: dict[str, str]) -> str:
        """The holder's tag, attributes and texts, ids replaced by `labels`, its own id-holding
        descendants left out (they are described on their own)."""
        parts: list[str] = []

        def add(element: ET.Element, depth: int) -> None:
            attrs = []
            for key, value in sorted(element.attrib.items()):
                if key == "id":
                    continue
                if key == LOCAL_ID:
                    value = "@local"
                if _local(key) in REF_ATTRIBUTES and value in ids:
                    value = "@" + labels[value]
                attrs.append(f"{key}={value}")
            text = (element.text or "").strip()
            if _local(element.tag) in REF_TEXTS and text in ids:
                text = "@" + labels[text]
            elif is_self_name(element):
                text = "@self"
            parts.append(f"{depth}<{element.tag} {' '.join(attrs)}>{text}")
            for child in element:
                if child.get("id") is None:
                    add(child, depth + 1)

        add(holder, 0)
        return "\n".join(sorted(parts))

    def references(holder: ET.Element) -> list[tuple[str, str]]:
        """(role, id) of every id the holder's own content refers to."""
        found: list[tuple[str, str]] = []
        todo = [holder]
        while todo:
            element = todo.pop()
            for key, value in element.attrib.items():
                if _local(key) in REF_ATTRIBUTES and value in ids:
                    found.append((_local(key), value))
            text = (element.text or "").strip()
            if _local(element.tag) in REF_TEXTS and text in ids:
                found.append((_local(element.tag), text))
            todo += [c for c in element if c.get("id") is None]
        return found

    refs = {str(e.get("id")): references(e) for e in holders}
    labels = {i: "" for i in ids}
    distinct = 1
    for _ in range(ROUNDS):
        # An element is also known by the elements referring to it (a place by its arcs).
        back: dict[str, list[str]] = {i: [] for i in ids}
        for source, found in refs.items():
            for role, target in found:
                back[target].append(f"{role}<-{labels[source]}")
        labels = {
            str(e.get("id")): _digest(
                labels[str(e.get("id"))]
                + describe(e, labels)
                + "|".join(sorted(back[str(e.get("id"))]))
            )
            for e in holders
        }
        count = len(set(labels.values()))
        if count == distinct:
            break
        distinct = count
    order = sorted(holders, key=lambda e: (_local(e.tag), labels[str(e.get("id"))]))
    numbers: dict[str, int] = {}
    names: dict[str, str] = {}
    for element in order:
        tag = _local(element.tag)
        numbers[tag] = numbers.get(tag, 0) + 1
        names.setdefault(str(element.get("id")), f"{tag}_{numbers[tag]}")
    self_names = [e for e in root.iter() if is_self_name(e)]
    local_owner = {
        e: str(h.get("id"))
        for e in root.iter()
        if e.get(LOCAL_ID) is not None and (h := owner.get(e)) is not None
    }
    for element in root.iter():
        for key, value in element.attrib.items():
            if (key == "id" or _local(key) in REF_ATTRIBUTES) and value in names:
                element.set(key, names[value])
        if element in local_owner:
            element.set(LOCAL_ID, names[local_owner[element]])
        text = (element.text or "").strip()
        if text in names and (_local(element.tag) in REF_TEXTS or element in self_names):
            element.text = names[text]
    _sort(root)
    ET.indent(root, "\t")
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True)) + b"\n"


def _sort(element: ET.Element) -> str:
    """Sort `element`'s children where order means nothing, bottom-up; its text form."""
    children = list(element)
    keys = {id(c): _sort(c) for c in children}
    # Elements with an id keep their slots but are ordered by content (arcs and flows after
    # the nodes they join); runs of id-less siblings of one tag (BPMN incoming/outgoing) too.
    held = sorted(
        (c for c in children if c.get("id") is not None),
        key=lambda c: (c.get("source") is not None or c.get("sourceRef") is not None, keys[id(c)]),
    )
    it = iter(held)
    arranged = [next(it) if c.get("id") is not None else c for c in children]
    out: list[ET.Element] = []
    for child in arranged:
        if (
            out
            and child.get("id") is None
            and out[-1].get("id") is None
            and out[-1].tag == child.tag
            and len(child) == 0
        ):
            run_start = len(out) - 1
            while (
                run_start > 0
                and out[run_start - 1].tag == child.tag
                and out[run_start - 1].get("id") is None
            ):
                run_start -= 1
            out.append(child)
            out[run_start:] = sorted(out[run_start:], key=lambda c: keys[id(c)])
        else:
            out.append(child)
    for child in children:
        element.remove(child)
    element.extend(out)
    attrs = " ".join(f"{k}={v}" for k, v in sorted(element.attrib.items()))
    body = "".join(keys[id(c)] for c in out)
    return f"<{element.tag} {attrs}>{(element.text or '').strip()}{body}</>"
