"""Quality improvement: projects, driver diagrams, change ideas, PDSA cycles and attendance.

Follows the IHI Model for Improvement (domain brief §8.1: aim, measures, change ideas tested in
PDSA cycles), driver diagrams (§8.2: aim -> primary drivers -> secondary drivers -> change
ideas), the change-idea catalogues of §4 and the Breakthrough Series' learning sessions (§8.4).
Team roles are those of the NCCMH collaborative (§3: project lead, senior sponsor, data
champion, patient or patient representative): names of staff and network members as free text,
never of patients.

Every model is audited (ADR 0004).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from mhsip.accounts.roles import Role
from mhsip.audit.models import AuditedModel
from mhsip.measures.models import Measure
from mhsip.organisations.models import Collaborative, LearningSession, Ward


class Source(models.TextChoices):
    """Where a change idea comes from (domain brief §4)."""

    SAFEWARDS = "safewards", "Safewards"
    SIX_CORE_STRATEGIES = "six_core_strategies", "Six Core Strategies"
    NO_FORCE_FIRST = "no_force_first", "No Force First"
    RRP = "rrp", "Reducing restrictive practice"
    WARD = "ward", "A ward's own idea"
    LIVED_EXPERIENCE = "lived_experience", "Proposed by a network member"


CATALOGUE_SOURCES = frozenset(
    {Source.SAFEWARDS, Source.SIX_CORE_STRATEGIES, Source.NO_FORCE_FIRST, Source.RRP}
)


class ChangeIdea(AuditedModel):
    """An idea to test: from a published catalogue (seeded), a ward's own, or proposed by a
    member of the safety network (a co-design contribution)."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    purpose = models.CharField(max_length=300, help_text="One line: what the idea is for")
    source = models.CharField(max_length=30, choices=Source.choices)
    reference = models.CharField(
        max_length=300, blank=True, help_text="Where the idea is described (citation or address)"
    )
    description = models.TextField(blank=True)
    ward = models.ForeignKey(
        Ward,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="own_change_ideas",
        help_text="The ward that added this idea (its own ideas only)",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(default=500)
    created_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_catalogue(self) -> bool:
        return self.source in CATALOGUE_SOURCES


class ContributionKind(models.TextChoices):
    PROPOSAL = "proposal", "Proposal"
    COMMENT = "comment", "Comment"


class Contribution(AuditedModel):
    """A co-design contribution to a change idea: who, what, when and which kind (issue 6
    item 3). ``author_name`` and ``author_role`` are kept as written at the time, so the
    record stays readable if the account is later removed."""

    idea = models.ForeignKey(ChangeIdea, on_delete=models.CASCADE, related_name="contributions")
    kind = models.CharField(max_length=10, choices=ContributionKind.choices)
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="qi_contributions",
    )
    author_name = models.CharField(max_length=150)
    author_role = models.CharField(max_length=30, choices=Role.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.idea} by {self.author_name}"

    @property
    def is_lived_experience(self) -> bool:
        return self.author_role == Role.NETWORK_MEMBER


class AimDirection(models.TextChoices):
    REDUCE = "reduce", "Reduce"
    INCREASE = "increase", "Increase"


class Project(AuditedModel):
    """A QI project: one per ward, and one collaborative-wide project per collaborative whose
    driver diagram is the template wards copy."""

    collaborative = models.ForeignKey(
        Collaborative, null=True, blank=True, on_delete=models.PROTECT, related_name="qi_projects"
    )
    ward = models.ForeignKey(
        Ward, null=True, blank=True, on_delete=models.PROTECT, related_name="qi_projects"
    )
    title = models.CharField(max_length=200)
    # The aim: what, how much, by when (domain §8.2), and the sentence.
    aim_direction = models.CharField(
        max_length=10, choices=AimDirection.choices, default=AimDirection.REDUCE
    )
    aim_what = models.CharField(
        "What will improve", max_length=200, blank=True, help_text="e.g. restrictive interventions"
    )
    aim_percent = models.PositiveSmallIntegerField(
        "By how much (per cent)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    aim_by = models.DateField("By when", null=True, blank=True)
    aim_statement = models.TextField(blank=True)
    outcome_measure = models.ForeignKey(
        Measure,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The main outcome measure the aim is judged on",
    )
    # The team (domain §3): staff and network members, never patients.
    project_lead = models.CharField(max_length=150, blank=True)
    senior_sponsor = models.CharField(max_length=150, blank=True)
    data_champion = models.CharField(max_length=150, blank=True)
    lived_experience_representative = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["collaborative", "ward__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward"], condition=models.Q(ward__isnull=False), name="one_project_per_ward"
            ),
            models.UniqueConstraint(
                fields=["collaborative"],
                condition=models.Q(ward__isnull=True),
                name="one_collaborative_project",
            ),
            models.CheckConstraint(
                condition=models.Q(ward__isnull=False) | models.Q(collaborative__isnull=False),
                name="project_has_ward_or_collaborative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_collaborative(self) -> bool:
        return self.ward_id is None

    @property
    def has_aim(self) -> bool:
        """What, how much and by when are all set (domain §8.2: specific, measurable,
        time-bound)."""
        return bool(self.aim_what and self.aim_percent and self.aim_by)


class DriverDiagram(AuditedModel):
    """A project's theory of change. The collaborative project's diagram is the template;
    a ward's diagram may be a deep copy of it (``copied_from``), adapted by the ward."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="driver_diagram")
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Driver diagram: {self.project}"


class NodeLevel(models.TextChoices):
    PRIMARY = "primary", "Primary driver"
    SECONDARY = "secondary", "Secondary driver"
    CHANGE = "change", "Change idea"


#: The level a node's parent must have (the aim is the root: primary drivers have no parent).
PARENT_LEVEL = {
    NodeLevel.PRIMARY: None,
    NodeLevel.SECONDARY: NodeLevel.PRIMARY,
    NodeLevel.CHANGE: NodeLevel.SECONDARY,
}


class DriverNode(AuditedModel):
    """A primary driver, secondary driver or change idea in a driver diagram."""

    diagram = models.ForeignKey(DriverDiagram, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    level = models.CharField(max_length=10, choices=NodeLevel.choices)
    text = models.CharField(max_length=200)
    change_idea = models.ForeignKey(
        ChangeIdea,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="driver_nodes",
        help_text="The catalogue idea this change idea tests, if any",
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.text}"


class Decision(models.TextChoices):
    """The Act decision (domain §8.1)."""

    ADOPT = "adopt", "Adopt"
    ADAPT = "adapt", "Adapt"
    ABANDON = "abandon", "Abandon"


class PdsaCycle(AuditedModel):
    """A Plan-Do-Study-Act cycle testing a change idea on a ward (domain §8.1 fields).

    ``number`` counts the ward's cycles (PDSA 1, 2, ...); ``previous_cycle`` links a cycle to
    the one it follows, so the next cycle of a cycle is the reverse of that link.
    """

    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="pdsa_cycles")
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="pdsa_cycles"
    )
    change_idea = models.ForeignKey(
        ChangeIdea, on_delete=models.PROTECT, related_name="pdsa_cycles"
    )
    driver = models.ForeignKey(
        DriverNode,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pdsa_cycles",
        help_text="The secondary driver this cycle works on",
    )
    number = models.PositiveSmallIntegerField()
    previous_cycle = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_cycles"
    )
    owner = models.CharField(max_length=150)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    # Plan
    objective = models.TextField()
    questions = models.TextField()
    prediction = models.TextField()
    who_where_when = models.TextField()
    data_to_collect = models.TextField()
    # Do
    what_happened = models.TextField(blank=True)
    observations = models.TextField(blank=True)
    # Study
    study = models.TextField(blank=True)
    learning = models.TextField(blank=True)
    # Act
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    next_steps = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["ward", "number"]
        constraints = [
            models.UniqueConstraint(fields=["ward", "number"], name="unique_pdsa_number"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="pdsa_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"PDSA {self.number}: {self.change_idea.name}"


class PdsaMeasure(AuditedModel):
    """A measure a PDSA cycle is judged on (its chart shows the cycle's annotations)."""

    cycle = models.ForeignKey(PdsaCycle, on_delete=models.CASCADE, related_name="measure_links")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["measure__order", "measure__name"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "measure"], name="unique_pdsa_measure")
        ]

    def __str__(self) -> str:
        return f"{self.measure} for PDSA {self.cycle.number}"


class SessionAttendance(AuditedModel):
    """A ward attended a learning session (Breakthrough Series, domain §8.4)."""

    session = models.ForeignKey(
        LearningSession, on_delete=models.CASCADE, related_name="attendance"
    )
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="session_attendance")

    class Meta:
        ordering = ["session", "ward__name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "ward"], name="unique_session_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.ward} at learning session {self.session.number}"
