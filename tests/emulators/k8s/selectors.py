"""Label and field selectors in the Kubernetes query-string syntax."""

from __future__ import annotations

import re
from typing import Any, Callable


class SelectorError(ValueError):
    pass


def _split_terms(text: str) -> list[str]:
    terms, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            terms.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        terms.append(cur.strip())
    return terms


_SET = re.compile(r"^([A-Za-z0-9_./-]+)\s+(in|notin)\s+\((.*)\)$")
_CMP = re.compile(r"^([A-Za-z0-9_./-]+)\s*(==|=|!=)\s*([A-Za-z0-9_.-]*)$")
_KEY = re.compile(r"^(!?)\s*([A-Za-z0-9_./-]+)$")


def label_matcher(text: str | None) -> Callable[[dict], bool]:
    """Compile a labelSelector query value into a predicate over label maps."""
    if not text:
        return lambda labels: True
    preds: list[Callable[[dict], bool]] = []
    for term in _split_terms(text):
        if m := _SET.match(term):
            key, op, vals = m.group(1), m.group(2), {v.strip() for v in m.group(3).split(",") if v.strip()}
            if op == "in":
                preds.append(lambda lb, k=key, vs=vals: k in lb and lb[k] in vs)
            else:
                preds.append(lambda lb, k=key, vs=vals: k not in lb or lb[k] not in vs)
        elif m := _CMP.match(term):
            key, op, val = m.groups()
            if op == "!=":
                preds.append(lambda lb, k=key, v=val: lb.get(k) != v)
            else:
                preds.append(lambda lb, k=key, v=val: k in lb and lb[k] == v)
        elif m := _KEY.match(term):
            neg, key = m.groups()
            if neg:
                preds.append(lambda lb, k=key: k not in lb)
            else:
                preds.append(lambda lb, k=key: k in lb)
        else:
            raise SelectorError(f"unable to parse requirement: {term!r}")
    return lambda labels: all(p(labels or {}) for p in preds)


def label_selector_matcher(selector: dict | None) -> Callable[[dict], bool]:
    """Compile a metav1.LabelSelector object (matchLabels/matchExpressions); empty matches all."""
    selector = selector or {}
    preds: list[Callable[[dict], bool]] = []
    for key, val in (selector.get("matchLabels") or {}).items():
        preds.append(lambda lb, k=key, v=val: lb.get(k) == v)
    for expr in selector.get("matchExpressions") or []:
        key, op, vals = expr.get("key"), expr.get("operator"), set(expr.get("values") or [])
        if op == "In":
            preds.append(lambda lb, k=key, vs=vals: lb.get(k) in vs)
        elif op == "NotIn":
            preds.append(lambda lb, k=key, vs=vals: lb.get(k) not in vs)
        elif op == "Exists":
            preds.append(lambda lb, k=key: k in lb)
        elif op == "DoesNotExist":
            preds.append(lambda lb, k=key: k not in lb)
    return lambda labels: all(p(labels or {}) for p in preds)


def selector_string(selector: dict | None) -> str:
    """Render a LabelSelector object as the query-string form (Scale.status.selector)."""
    selector = selector or {}
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        op, key = expr.get("operator"), expr.get("key")
        vals = ",".join(sorted(expr.get("values") or []))
        parts.append(
            {
                "In": f"{key} in ({vals})",
                "NotIn": f"{key} notin ({vals})",
                "Exists": key,
                "DoesNotExist": f"!{key}",
            }.get(op, key)
        )
    return ",".join(parts)


def _dig(obj: Any, path: str) -> Any:
    node = obj
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def field_matcher(text: str | None) -> Callable[[dict], bool]:
    """Compile a fieldSelector (metadata.name, metadata.namespace, any dotted path; =, ==, !=)."""
    if not text:
        return lambda obj: True
    preds = []
    for term in _split_terms(text):
        m = re.match(r"^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)$", term)
        if not m:
            raise SelectorError(f"invalid field selector: {term!r}")
        path, op, val = m.groups()

        def pred(obj, p=path, o=op, v=val):
            actual = _dig(obj, p)
            actual = "" if actual is None else (str(actual).lower() if isinstance(actual, bool) else str(actual))
            return actual != v if o == "!=" else actual == v

        preds.append(pred)
    return lambda obj: all(p(obj) for p in preds)
