"""The recorded characteristics equity is broken down by, and how a record maps to a group.

The Use of Force Act s.6(5)(k)-(l) requires each record to hold the patient's "relevant
characteristics" (the Equality Act 2010 protected characteristics: age, disability, gender
reassignment, pregnancy and maternity, race, religion or belief, sex, sexual orientation) and
whether they have a learning disability or autism (domain brief §1.3). Each is a
:class:`Characteristic`: its groups in display order (every one with "not known" and, where
the record allows it, "declined" kept apart: missing is not a group to be dropped), the
default reference group for rate ratios, and a vectorised classifier from the stored values.

Ethnicity is offered two ways (domain brief §5.1): the five Data Dictionary groups plus "Not
stated" and "Not known" (MHSDS "upper ethnicity"), and the detailed 16+1 codes (MHSDS "lower
ethnicity"); a local sub-code rolls up to its national letter and anything outside the list is
"Not known", as the MHSDS publication does.

Age is in whole years from the year of birth (the record holds the year only): age in a month
is ``calendar year - birth year``. The bands are those of NHS England's Mental Health Act
Statistics annual figures, so the population denominators (:mod:`mhsip.equity.population`)
match them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mhsip.recording.codes import (
    ETHNIC_CATEGORIES,
    EthnicGroup,
    Religion,
    Sex,
    SexualOrientation,
    YesNoUnknown,
    ethnic_group,
)

NOT_KNOWN = "not_known"

Classifier = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""(stored values per row, calendar year per row) -> group key per row."""


@dataclass(frozen=True)
class Characteristic:
    """One recorded characteristic and its groups.

    ``field`` is the :class:`~mhsip.recording.models.Patient` field read; ``groups`` are
    ``(key, label)`` pairs in display order; ``default_reference`` is the group other groups are
    compared with unless the user picks another; ``population`` names the characteristic in the
    population table (:class:`~mhsip.equity.models.PopulationEstimate`) when one is loaded for
    it; ``compare`` is the group charted against the reference over time by default.
    """

    key: str
    label: str
    field: str
    groups: tuple[tuple[str, str], ...]
    default_reference: str
    compare: str
    classify: Classifier
    population: str | None = None
    note: str = ""

    @property
    def group_keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.groups)

    def group_label(self, key: str) -> str:
        return dict(self.groups).get(key, key)

    def index(self, keys: np.ndarray) -> np.ndarray:
        """Positions of ``keys`` in :attr:`groups` (every key must be a group)."""
        lookup = {k: i for i, k in enumerate(self.group_keys)}
        return np.array([lookup[str(k)] for k in keys], dtype=np.int64)


def _lookup(mapping: dict[str, str], default: str = NOT_KNOWN) -> Classifier:
    def classify(values: np.ndarray, _years: np.ndarray) -> np.ndarray:
        return np.array([mapping.get(str(v), default) for v in values], dtype=object)

    return classify


def _ethnic_group(values: np.ndarray, _years: np.ndarray) -> np.ndarray:
    cache: dict[str, str] = {}
    out = []
    for v in values:
        s = str(v)
        if s not in cache:
            cache[s] = str(ethnic_group(s).value)
        out.append(cache[s])
    return np.array(out, dtype=object)


def _ethnic_code(values: np.ndarray, _years: np.ndarray) -> np.ndarray:
    """The national code: exact code, else its first letter (local sub-code), else 99."""
    out = []
    for v in values:
        code = str(v or "").strip().upper()
        if code not in ETHNIC_CATEGORIES:
            code = code[:1] if code[:1] in ETHNIC_CATEGORIES else "99"
        out.append(code)
    return np.array(out, dtype=object)


AGE_BANDS: tuple[tuple[str, str, int, int], ...] = (
    ("under_18", "Under 18", 0, 17),
    ("18_34", "18 to 34", 18, 34),
    ("35_49", "35 to 49", 35, 49),
    ("50_64", "50 to 64", 50, 64),
    ("65_plus", "65 and over", 65, 200),
)


def _age_band(values: np.ndarray, years: np.ndarray) -> np.ndarray:
    birth = np.array([np.nan if v is None or v == "" else float(v) for v in values])
    age = np.asarray(years, dtype=float) - birth
    out = np.full(age.shape, NOT_KNOWN, dtype=object)
    for key, _label, lo, hi in AGE_BANDS:
        out[(age >= lo) & (age <= hi)] = key
    return out


def _choices(choices: type) -> tuple[tuple[str, str], ...]:
    return tuple((str(v), str(label)) for v, label in choices.choices)  # type: ignore[attr-defined]


YES_NO = _choices(YesNoUnknown)
_YES_NO_MAP = {k: k for k, _ in YES_NO}

ETHNICITY = Characteristic(
    key="ethnicity",
    label="Ethnic group",
    field="ethnicity",
    groups=_choices(EthnicGroup),
    default_reference=EthnicGroup.WHITE.value,
    compare=EthnicGroup.BLACK.value,
    classify=_ethnic_group,
    population="ethnicity",
    note="NHS Data Dictionary ETHNIC CATEGORY, five groups plus not stated and not known.",
)
ETHNICITY_DETAILED = Characteristic(
    key="ethnicity_detailed",
    label="Ethnic category (detailed)",
    field="ethnicity",
    groups=tuple(
        (code, f"{group.label}: {category}" if code not in {"Z", "99"} else category)
        for code, (group, category) in ETHNIC_CATEGORIES.items()
    ),
    default_reference="A",
    compare="M",
    classify=_ethnic_code,
    note="NHS Data Dictionary ETHNIC CATEGORY (2001 census 16+1 codes).",
)
SEX = Characteristic(
    key="sex",
    label="Sex",
    field="sex",
    groups=_choices(Sex),
    default_reference=Sex.MALE.value,
    compare=Sex.FEMALE.value,
    classify=_lookup({k: k for k, _ in _choices(Sex)}),
    population="sex",
)
AGE = Characteristic(
    key="age_band",
    label="Age band",
    field="birth_year",
    groups=(*((k, label) for k, label, _lo, _hi in AGE_BANDS), (NOT_KNOWN, "Not known")),
    default_reference="35_49",
    compare="18_34",
    classify=_age_band,
    population="age_band",
    note="Age in the month (calendar year minus year of birth); bands of the NHS England Mental "
    "Health Act Statistics.",
)


def _yes_no(key: str, label: str, field: str, note: str = "") -> Characteristic:
    return Characteristic(
        key=key,
        label=label,
        field=field,
        groups=YES_NO,
        default_reference=YesNoUnknown.NO.value,
        compare=YesNoUnknown.YES.value,
        classify=_lookup(_YES_NO_MAP),
        note=note,
    )


LEARNING_DISABILITY = _yes_no(
    "learning_disability", "Learning disability", "learning_disability", "Act s.6(5)(l)."
)
AUTISM = _yes_no("autism", "Autism", "autism", "Act s.6(5)(l).")
GENDER_REASSIGNMENT = _yes_no(
    "gender_reassignment",
    "Gender reassignment",
    "gender_reassignment",
    "Gender identity differs from sex registered at birth.",
)
DISABILITY = _yes_no(
    "disability",
    "Disability",
    "disability",
    "A disability other than learning disability or autism.",
)
PREGNANCY = _yes_no(
    "pregnancy", "Pregnancy or maternity", "pregnancy", "Pregnant or within 26 weeks of birth."
)
RELIGION = Characteristic(
    key="religion",
    label="Religion or belief",
    field="religion",
    groups=_choices(Religion),
    default_reference=Religion.CHRISTIAN.value,
    compare=Religion.MUSLIM.value,
    classify=_lookup({k: k for k, _ in _choices(Religion)}),
)
SEXUAL_ORIENTATION = Characteristic(
    key="sexual_orientation",
    label="Sexual orientation",
    field="sexual_orientation",
    groups=_choices(SexualOrientation),
    default_reference=SexualOrientation.HETEROSEXUAL.value,
    compare=SexualOrientation.GAY_LESBIAN.value,
    classify=_lookup({k: k for k, _ in _choices(SexualOrientation)}),
)

CHARACTERISTICS: dict[str, Characteristic] = {
    c.key: c
    for c in (
        ETHNICITY,
        ETHNICITY_DETAILED,
        SEX,
        AGE,
        LEARNING_DISABILITY,
        AUTISM,
        DISABILITY,
        GENDER_REASSIGNMENT,
        PREGNANCY,
        RELIGION,
        SEXUAL_ORIENTATION,
    )
}
"""Every characteristic, in the order the pages offer them."""

LINKED: dict[str, tuple[str, ...]] = {
    "ethnicity": ("ethnicity", "ethnicity_detailed"),
    "ethnicity_detailed": ("ethnicity", "ethnicity_detailed"),
}
"""Characteristics whose published tables add up to each other (the detailed codes roll up to
the five groups), so their disclosure control is done together."""

ROLL_UP: dict[tuple[str, str], Callable[[str], str]] = {
    ("ethnicity_detailed", "ethnicity"): lambda code: str(ethnic_group(code).value),
}
"""How a group of the first characteristic rolls up into a group of the second."""


def characteristic(key: str | None) -> Characteristic:
    """The characteristic called ``key`` (ethnicity when empty); ``KeyError`` if unknown."""
    return CHARACTERISTICS[key or ETHNICITY.key]
