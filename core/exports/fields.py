"""Which fields an export can contain, in what default order, and what each one means.

Raw fields are the exported fields of core.domain.reel_fields (name, type, label, unit and description are
defined there); computed metric and tier columns come from ``core.analytics.metrics``
(its ``enrich_reels`` and ``data_dictionary``), so a metric is defined in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.reel_fields import EXPORTED_NAMES, LIST_SEPARATOR, REEL_FIELDS

__all__ = ["CSV_READ_DTYPES", "LIST_SEPARATOR", "PANDAS_CSV_READ", "RAW_FIELDS", "FieldInfo", "all_fields", "computed_fields", "field_infos",
           "unknown_fields"]

RAW_FIELDS: tuple[str, ...] = EXPORTED_NAMES  # the stored reel fields an export can contain, in export order
# Instagram's ids are text (they exceed 2^53). In a CSV column with blanks (an audio or place Instagram did not
# send) pandas would guess float64 and round them, so the CSV is read with these dtypes (or use Parquet).
ID_FIELDS: tuple[str, ...] = tuple(name for name in RAW_FIELDS if name.endswith("_id"))
CSV_READ_DTYPES: dict[str, type] = dict.fromkeys(ID_FIELDS, str)
PANDAS_CSV_READ = "pandas.read_csv(path, dtype={" + ", ".join(f'"{name}": str' for name in ID_FIELDS) + "})"


@dataclass(frozen=True)
class FieldInfo:
    name: str
    kind: str  # text | integer | number | boolean | datetime | list
    label: str
    unit: str
    description: str

    def as_dict(self) -> dict:
        return {"label": self.label, "unit": self.unit, "type": self.kind, "description": self.description}


def _metrics_dictionary() -> dict[str, dict]:
    try:
        from core.analytics.metrics import data_dictionary
    except ImportError:  # core.analytics.metrics not landed yet: raw fields only
        return {}
    return data_dictionary()


def computed_fields() -> tuple[str, ...]:
    """Every computed metric and tier column ``core.analytics.metrics.enrich_reels`` adds, in its dictionary's order."""
    return tuple(name for name in _metrics_dictionary() if name not in RAW_FIELDS)


def all_fields() -> tuple[str, ...]:
    """Every export field, in the default order: raw fields, then computed metrics and tiers."""
    return RAW_FIELDS + computed_fields()


def field_infos() -> dict[str, FieldInfo]:
    """Field → meaning, unit and type: the data dictionary shipped with every export."""
    metrics = _metrics_dictionary()
    infos: dict[str, FieldInfo] = {}
    for reel_field in REEL_FIELDS:
        if not reel_field.exported:
            continue
        text = reel_field.description
        if reel_field.kind == "list" and LIST_SEPARATOR not in text:
            text = f"{text} CSV: joined with '{LIST_SEPARATOR}'."
        if reel_field.name in ID_FIELDS:
            text = f"{text} CSV: read it as text ({PANDAS_CSV_READ}); a float would round it."
        infos[reel_field.name] = FieldInfo(reel_field.name, reel_field.kind, reel_field.label, reel_field.unit, text)
    for name, entry in metrics.items():
        if name not in infos:
            infos[name] = FieldInfo(name, entry.get("type") or "computed", entry.get("label", name),
                                    entry.get("unit", ""), entry.get("description", ""))
    return infos


def unknown_fields(requested: list[str] | tuple[str, ...]) -> list[str]:
    known = set(all_fields())
    return [name for name in requested if name not in known]
