# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Engine version comparisons shared by the data-service modules."""

from __future__ import annotations


def version_tuple(version):
    """``"7.1.0"`` -> ``(7, 1, 0)``; a non-numeric part counts as 0."""
    return tuple(int(part) if part.isdigit() else 0 for part in str(version).split("."))


def version_matches(desired, current):
    """True when ``current`` is ``desired`` or a release of it ("15" matches "15.4")."""
    return current is not None and (current == desired or current.startswith(desired + "."))
