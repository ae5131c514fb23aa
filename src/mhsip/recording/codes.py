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


class Religion(models.TextChoices):
    """Simplified from the NHS Data Dictionary RELIGIOUS OR OTHER BELIEF SYSTEM AFFILIATION."""

    NONE = "none", "No religion"
    BUDDHIST = "buddhist", "Buddhist"
    CHRISTIAN = "christian", "Christian"
    HINDU = "hindu", "Hindu"
    JEWISH = "jewish", "Jewish"
    MUSLIM = "muslim", "Muslim"
    SIKH = "sikh", "Sikh"
    OTHER = "other", "Other religion or belief"
    NOT_KNOWN = "not_known", "Not known"
    DECLINED = "declined", "Declined to say"


class SexualOrientation(models.TextChoices):
    """NHS Sexual Orientation Monitoring information standard (SCCI2094) categories."""

    HETEROSEXUAL = "heterosexual", "Heterosexual or straight"
    GAY_LESBIAN = "gay_lesbian", "Gay or lesbian"
    BISEXUAL = "bisexual", "Bisexual"
    OTHER = "other", "Other sexual orientation"
    NOT_KNOWN = "not_known", "Not known"
    DECLINED = "declined", "Declined to say"


class InterventionType(models.TextChoices):
    """MHSDS v5+ RESTRICTIVE INTERVENTION TYPE (domain brief §2.2)."""

    PRONE = "01", "Physical restraint – prone"
    MECHANICAL = "04", "Mechanical restraint"
    SECLUSION = "05", "Seclusion"
    SEGREGATION = "06", "Segregation"
    STANDING = "07", "Physical restraint – standing"
    ESCORT = "08", "Physical restraint – restrictive escort"
    SUPINE = "09", "Physical restraint – supine"
    SIDE = "10", "Physical restraint – side"
    SEATED = "11", "Physical restraint – seated"
    KNEELING = "12", "Physical restraint – kneeling"
    PHYSICAL_OTHER = "13", "Physical restraint – other"
    RT_INJECTION = "14", "Chemical restraint – injection (rapid tranquillisation)"
    INJECTION_NON_RT = "15", "Chemical restraint – injection (not rapid tranquillisation)"
    ORAL = "16", "Chemical restraint – oral"
    CHEMICAL_OTHER = "17", "Chemical restraint – other"


PHYSICAL = frozenset({"01", "07", "08", "09", "10", "11", "12", "13"})
CHEMICAL = frozenset({"14", "15", "16", "17"})
ACT_CATEGORY: dict[str, str] = {
    **{c: "physical" for c in PHYSICAL},
    **{c: "chemical" for c in CHEMICAL},
    "04": "mechanical",
    "05": "isolation",
    "06": "isolation",
}
# Codes 02 and 03 appear only in the older MHSDS v4.x list (UNVERIFIED, domain brief §2.2):
# refused for new records, mapped on historic import.
HISTORIC_TYPE_CODES: dict[str, str] = {"02": "13", "03": "13"}


class InterventionReason(models.TextChoices):
    """MHSDS RESTRICTIVE INTERVENTION REASON (domain brief §2.3)."""

    VIOLENCE_TO_OTHERS = "10", "Prevent violence to others"
    SELF_HARM = "11", "Prevent serious intentional harm to self"
    ACCIDENTAL_INJURY = "12", "Prevent serious accidental injury to self"
    MEDICAL_TREATMENT = "13", "Lawfully administer medicines or other medical treatment"
    PERSONAL_CARE = "14", "Facilitate personal care"
    NG_FEEDING = "15", "Facilitate nasogastric feeding"
    OVERACTIVITY = "16", "Prevent extreme and prolonged over-activity"
    DANGEROUS_BEHAVIOUR = "17", "Prevent otherwise dangerous behaviour"
    SEARCH = "18", "Search of clothing or property for the safety of others"
    ABSCONDING = "19", "Prevent absconding from lawful custody"
    OTHER = "98", "Other (not listed)"
    NOT_KNOWN = "99", "Not known (not recorded)"


class Place(models.TextChoices):
    BEDROOM = "bedroom", "Patient's bedroom"
    COMMUNAL = "communal", "Communal area (lounge, dining room)"
    CORRIDOR = "corridor", "Corridor"
    CLINIC_ROOM = "clinic", "Clinic or treatment room"
    SECLUSION_ROOM = "seclusion_room", "Seclusion room"
    EXTRA_CARE = "extra_care", "Extra care or de-escalation area"
    BATHROOM = "bathroom", "Bathroom or toilet"
    GARDEN = "garden", "Garden or courtyard"
    OFF_WARD = "off_ward", "Off the ward (escort, other area)"
    OTHER = "other", "Other"


class DeEscalation(models.TextChoices):
    """Efforts to avoid force (Use of Force Act s.6(5)(o)); coded so they can be counted."""

    VERBAL = "verbal", "Verbal de-escalation (talk down)"
    DISTRACTION = "distraction", "Distraction or diversion"
    SPACE = "space", "Offering time and space, or a quiet area"
    STIMULATION = "stimulation", "Reducing stimulation or noise"
    SENSORY = "sensory", "Sensory or calming tools"
    ORAL_PRN = "oral_prn", "Offering oral medication"
    STAFF_CHANGE = "staff_change", "Change of staff or approach"
    CARER = "carer", "Involving family, carer or advocate"
    SAFETY_PLAN = "safety_plan", "Following the patient's safety plan"
    NEGOTIATION = "negotiation", "Negotiation or offering choices"
    OTHER = "other", "Other"
    NONE_POSSIBLE = "none_possible", "None possible (immediate risk)"


class NonStaffInvolvement(models.TextChoices):
    NONE = "none", "No one other than unit staff"
    POLICE = "police", "Police"
    OTHER = "other", "Other people (for example security or ambulance staff)"


class YesNoNotApplicable(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class ReviewNotHeldReason(models.TextChoices):
    """Local list: the MHSDS code list for this item was not found (domain brief §2.1)."""

    DECLINED = "declined", "Patient declined"
    UNWELL = "unwell", "Patient too unwell"
    DISCHARGED = "discharged", "Patient discharged or transferred"
    NOT_OFFERED = "not_offered", "Not offered"
    OTHER = "other", "Other"


class RecordStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class StaffRole(models.TextChoices):
    LEAD = "lead", "Leading the intervention (head and neck)"
    UPPER_LIMBS = "upper_limbs", "Supporting arms"
    LOWER_LIMBS = "lower_limbs", "Supporting legs"
    MEDICATION = "medication", "Administering medication"
    OBSERVER = "observer", "Observing or monitoring physical health"
    OTHER = "other", "Other"
