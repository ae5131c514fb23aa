"""Code lists shipped as versioned reference data (domain brief §2, §5).

Sources: NHS Data Dictionary ETHNIC CATEGORY (2001 census 16+1 codes, format an2);
MHSDS v5+ RESTRICTIVE INTERVENTION TYPE and REASON as decoded in NHS England's
mental-health-monthly-statistics publication code.
"""

from __future__ import annotations

from django.db import models

CODE_LIST_VERSION = "2026-11"


class EthnicGroup(models.TextChoices):
    WHITE = "white", "White"
    MIXED = "mixed", "Mixed"
    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black or Black British"
    OTHER = "other", "Other ethnic groups"
    NOT_STATED = "not_stated", "Not stated"
    NOT_KNOWN = "not_known", "Not known"


# code: (group, category)
ETHNIC_CATEGORIES: dict[str, tuple[EthnicGroup, str]] = {
    "A": (EthnicGroup.WHITE, "British"),
    "B": (EthnicGroup.WHITE, "Irish"),
    "C": (EthnicGroup.WHITE, "Any other White background"),
    "D": (EthnicGroup.MIXED, "White and Black Caribbean"),
    "E": (EthnicGroup.MIXED, "White and Black African"),
    "F": (EthnicGroup.MIXED, "White and Asian"),
    "G": (EthnicGroup.MIXED, "Any other mixed background"),
    "H": (EthnicGroup.ASIAN, "Indian"),
    "J": (EthnicGroup.ASIAN, "Pakistani"),
    "K": (EthnicGroup.ASIAN, "Bangladeshi"),
    "L": (EthnicGroup.ASIAN, "Any other Asian background"),
    "M": (EthnicGroup.BLACK, "Caribbean"),
    "N": (EthnicGroup.BLACK, "African"),
    "P": (EthnicGroup.BLACK, "Any other Black background"),
    "R": (EthnicGroup.OTHER, "Chinese"),
    "S": (EthnicGroup.OTHER, "Any other ethnic group"),
    "Z": (EthnicGroup.NOT_STATED, "Not stated (asked, chose not to say)"),
    "99": (EthnicGroup.NOT_KNOWN, "Not known"),
}
ETHNIC_CATEGORY_CHOICES = [
    (code, f"{group.label}: {cat}") for code, (group, cat) in ETHNIC_CATEGORIES.items()
]


def ethnic_group(code: str) -> EthnicGroup:
    """Roll a Data Dictionary code (national letter plus optional local sub-code) up to its
    five-group category; codes outside the list count as not known, as MHSDS does."""
    code = (code or "").strip().upper()
    if code in ETHNIC_CATEGORIES:
        return ETHNIC_CATEGORIES[code][0]
    if code[:1] in ETHNIC_CATEGORIES:
        return ETHNIC_CATEGORIES[code[:1]][0]
    return EthnicGroup.NOT_KNOWN


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NOT_KNOWN = "not_known", "Not known"
    DECLINED = "declined", "Declined to say"


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known"
    DECLINED = "declined", "Declined to say"


class LegalStatus(models.TextChoices):
    DETAINED = "detained", "Detained under the Mental Health Act"
    INFORMAL = "informal", "Informal"
    NOT_KNOWN = "not_known", "Not known"
