"""Load the demo collaborative into the database (``/work/shared/brief/synthetic-data.md``).

:func:`load_demo` generates the data for a seed with :func:`mhsip.demo.generate.generate_demo`
(pure, no database) and writes it in ONE transaction, acting as ``System("cli:demo")``:

1. it refuses a database holding real (non-demo) trusts, or demo data already (unless
   ``reset=True``, which first deletes the demo data with :func:`delete_demo`);
2. it runs each step of :data:`DEMO_STEPS` in order with a shared :class:`DemoContext`;
3. it returns a :class:`DemoSummary`.

Rows are written with ``bulk_create``, which bypasses ``AuditedModel.save()``, so every batch is
followed by one :func:`mhsip.audit.log.record_bulk` summary row (ADR 0004: one audit row per
bulk system write). :meth:`DemoContext.bulk_create` does both.

Extension hooks
---------------
Later generators (the network, PDSA cycles once an app holds them) add themselves without
editing this module:

``DEMO_STEPS``
    A list of functions ``step(ctx: DemoContext) -> None`` run in order inside the load
    transaction. The core steps are :func:`load_organisations`, :func:`load_patients_and_stays`
    and :func:`load_census`, then the event steps of :mod:`mhsip.demo.load_events`
    (use-of-force incidents, sexual-safety and AWOL incidents, deaths, weekly returns). A later
    app registers its step from ``AppConfig.ready()``::

        from mhsip.demo.load import DemoContext, register_step

        def load_incidents(ctx: DemoContext) -> None:
            rng = ctx.rng("incidents")            # an independent, seeded random stream
            rate = ctx.params.ri_rate_per_1000_obd  # every figure comes from DemoParameters
            ...                                   # ctx.wards, ctx.patients, ctx.stays, ctx.data
            ctx.bulk_create(Incident, incidents)  # writes + one audit summary row
            ctx.counts["incidents"] = len(incidents)  # shown in the summary

        register_step(load_incidents)

    Each step should draw from its own ``ctx.rng(name)`` stream so adding a step never
    changes the data of the others, and read its figures from ``ctx.params`` and put what it
    knows to be true in ``ctx.truth``.

``DEMO_RESET_STEPS``
    Functions ``hook() -> None`` run (last registered first) by :func:`delete_demo` before the
    core demo rows go, to delete a later app's rows that hang off demo wards, patients or stays
    with ``PROTECT`` foreign keys. Register with :func:`register_reset_step`. A reset blocked by
    a protected row raises :class:`DemoDataError` naming it. The event models of
    :data:`mhsip.demo.load_events.EVENT_MODELS` are deleted by :func:`delete_demo` itself
    (:func:`~mhsip.demo.load_events.event_rows`).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import ProtectedError, Sum

from mhsip.accounts.management.commands.demousers import DEMO_USERNAMES
from mhsip.audit.actor import System, acting_as
from mhsip.audit.log import record_bulk
from mhsip.audit.models import Action
from mhsip.demo.generate import DemoData, generate_demo, rng_for
from mhsip.demo.load_events import EVENT_STEPS, event_rows
from mhsip.demo.parameters import DemoParameters
from mhsip.organisations.models import Collaborative, LearningSession, Site, Trust, Ward
from mhsip.recording.census import rebuild_census
from mhsip.recording.models import Patient, Stay, WardCensus

DEMO_ACTOR = System("cli:demo")
M = TypeVar("M", bound=models.Model)


class DemoDataError(RuntimeError):
    """The demo cannot be loaded (or reset) into this database; the message says why."""


@dataclass
class DemoContext:
    """What the load steps share: the generated data and the rows written so far."""

    seed: int
    params: DemoParameters
    data: DemoData
    reason: str
    trusts: dict[str, Trust] = field(default_factory=dict)  # by ODS code
    sites: dict[str, Site] = field(default_factory=dict)  # by site code
    wards: dict[str, Ward] = field(default_factory=dict)  # by ward code
    collaborative: Collaborative | None = None
    learning_sessions: list[LearningSession] = field(default_factory=list)
    patients: dict[str, Patient] = field(default_factory=dict)  # by generated local id
    stays: list[Stay] = field(default_factory=list)  # aligned with ``data.stays``
    counts: dict[str, int] = field(default_factory=dict)  # summary figures, e.g. "patients"
    truth: dict[str, Any] = field(default_factory=dict)  # true values added by later steps
    extra: dict[str, Any] = field(default_factory=dict)  # anything a later step passes on

    def rng(self, *stream: str) -> np.random.Generator:
        """An independent random stream for ``stream`` under this seed."""
        return rng_for(self.seed, *stream)

    def bulk_create(self, model: type[M], objs: Iterable[M], *, batch_size: int = 500) -> list[M]:
        """``bulk_create`` plus one audit summary row for the batch (primary keys are set)."""
        created = model._default_manager.bulk_create(list(objs), batch_size=batch_size)
        record_bulk(model, len(created), reason=self.reason)
        return created


DemoStep = Callable[[DemoContext], None]
ResetStep = Callable[[], None]


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`load_demo` wrote and how long it took."""

    seed: int
    trusts: int
    sites: int
    wards: int
    learning_sessions: int
    patients: int
    stays: int
    census_rows: int
    bed_days: int
    occupancy: float  # occupied / available bed days over the timeline, all wards
    timeline_start: dt.date
    timeline_end: dt.date
    seconds: float
    deleted: Mapping[str, int] = field(default_factory=dict)
    counts: Mapping[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """A short human summary, as printed by ``mhsip demo``."""
        out = [
            f"Demo data loaded (seed {self.seed}) in {self.seconds:.1f} s.",
            f"  Trusts: {self.trusts}; sites: {self.sites}; wards: {self.wards}; "
            f"learning sessions: {self.learning_sessions}",
            f"  Patients: {self.patients:,}; stays: {self.stays:,}",
            f"  Occupied bed days: {self.bed_days:,} ({self.occupancy:.1%} occupancy), "
            f"{self.timeline_start:%d %b %Y} to {self.timeline_end:%d %b %Y}",
        ]
        core = {"trusts", "sites", "wards", "learning_sessions", "patients", "stays"}
        core |= {"census_rows", "bed_days"}
        extra = [f"{k.replace('_', ' ')}: {v:,}" for k, v in self.counts.items() if k not in core]
        for i in range(0, len(extra), 3):
            out.append("  " + "; ".join(extra[i : i + 3]))
        if self.deleted:
            out.append(f"  Replaced earlier demo data ({sum(self.deleted.values()):,} rows).")
        return out


# --- core steps ------------------------------------------------------------------------------
def load_organisations(ctx: DemoContext) -> None:
    """Trusts (``is_demo``), sites, wards, the collaborative (``is_demo``) with every ward,
    and its learning sessions (brief: "Organisations and wards")."""
    data = ctx.data
    trusts = ctx.bulk_create(
        Trust, (Trust(ods_code=t.ods_code, name=t.name, is_demo=True) for t in data.trusts)
    )
    ctx.trusts = {t.ods_code: t for t in trusts}
    sites = ctx.bulk_create(
        Site,
        (Site(trust=ctx.trusts[s.trust_ods], code=s.code, name=s.name) for s in data.sites),
    )
    ctx.sites = {s.code: s for s in sites}
    wards = ctx.bulk_create(
        Ward,
        (
            Ward(
                site=ctx.sites[w.site_code],
                code=w.code,
                name=w.name,
                ward_type=w.ward_type,
                beds=w.beds,
                active_from=w.active_from,
            )
            for w in data.wards
        ),
    )
    ctx.wards = {w.code: w for w in wards}
    c = data.collaborative
    (collaborative,) = ctx.bulk_create(
        Collaborative,
        [
            Collaborative(
                name=c.name,
                slug=c.slug,
                aim_statement=c.aim_statement,
                start_date=c.start_date,
                end_date=c.end_date,
                baseline_start=c.baseline_start,
                baseline_end=c.baseline_end,
                is_demo=True,
            )
        ],
    )
    ctx.collaborative = collaborative
    through = Collaborative.wards.through
    ctx.bulk_create(
        through,
        (through(collaborative_id=collaborative.pk, ward_id=ctx.wards[code].pk)
         for code in c.ward_codes),
    )  # fmt: skip
    ctx.learning_sessions = ctx.bulk_create(
        LearningSession,
        (
            LearningSession(
                collaborative=collaborative, number=s.number, date=s.date, title=s.title
            )
            for s in data.learning_sessions
        ),
    )
    ctx.counts.update(
        trusts=len(trusts),
        sites=len(sites),
        wards=len(wards),
        learning_sessions=len(ctx.learning_sessions),
    )


def load_patients_and_stays(ctx: DemoContext) -> None:
    """Pseudonymous patients and their ward stays (brief: "Patients and bed days")."""
    patients = ctx.bulk_create(
        Patient,
        (
            Patient(
                trust=ctx.trusts[p.trust_ods],
                key=p.key,
                ethnicity=p.ethnicity,
                sex=p.sex,
                birth_year=p.birth_year,
                learning_disability=p.learning_disability,
                autism=p.autism,
                mental_disorder=p.mental_disorder,
            )
            for p in ctx.data.patients
        ),
    )
    ctx.patients = {p.local_id: row for p, row in zip(ctx.data.patients, patients, strict=True)}
    ctx.stays = ctx.bulk_create(
        Stay,
        (
            Stay(
                patient=ctx.patients[s.patient_local_id],
                ward=ctx.wards[s.ward_code],
                admitted_on=s.admitted_on,
                discharged_on=s.discharged_on,
                legal_status=s.legal_status,
            )
            for s in ctx.data.stays
        ),
    )
    ctx.counts.update(patients=len(patients), stays=len(ctx.stays))


def load_census(ctx: DemoContext) -> None:
    """The midnight census of every ward for the whole timeline, rebuilt from the stays by
    :func:`mhsip.recording.census.rebuild_census` (domain §9)."""
    timeline = ctx.data.timeline
    wards = list(ctx.wards.values())
    rows = rebuild_census(wards, timeline.start, timeline.end)
    bed_days = (
        WardCensus.objects.filter(ward__in=wards).aggregate(total=Sum("occupied"))["total"] or 0
    )
    ctx.counts.update(census_rows=rows, bed_days=int(bed_days))


#: The load steps, run in order inside the load transaction (see the module docstring).
DEMO_STEPS: list[DemoStep] = [
    load_organisations,
    load_patients_and_stays,
    load_census,
    *EVENT_STEPS,
]
#: Hooks deleting later apps' demo rows before a reset (see the module docstring).
DEMO_RESET_STEPS: list[ResetStep] = []


def register_step(step: DemoStep) -> None:
    """Append ``step`` to :data:`DEMO_STEPS` once (safe when ``ready()`` runs twice)."""
    if step not in DEMO_STEPS:
        DEMO_STEPS.append(step)


def register_reset_step(hook: ResetStep) -> None:
    """Add ``hook`` to :data:`DEMO_RESET_STEPS` once."""
    if hook not in DEMO_RESET_STEPS:
        DEMO_RESET_STEPS.append(hook)


# --- deleting demo data ----------------------------------------------------------------------
def has_demo_data() -> bool:
    return (
        Trust.objects.filter(is_demo=True).exists()
        or Collaborative.objects.filter(is_demo=True).exists()
    )


def _delete(qs: models.QuerySet[Any], deleted: dict[str, int], reason: str) -> None:
    try:
        _, per_model = qs.delete()
    except ProtectedError as exc:
        blockers = sorted({obj._meta.label for obj in exc.protected_objects})
        raise DemoDataError(
            f"Cannot delete the demo {qs.model._meta.verbose_name_plural}: rows of "
            f"{', '.join(blockers)} still refer to them. Delete them first, or register a "
            "reset hook with mhsip.demo.load.register_reset_step."
        ) from exc
    for label, count in per_model.items():
        if count:
            record_bulk(apps.get_model(label), count, action=Action.BULK_DELETE, reason=reason)
            deleted[label] = deleted.get(label, 0) + count


def delete_demo(*, reason: str = "demo reset") -> dict[str, int]:
    """Delete only demo data: demo collaboratives, trusts with ``is_demo`` and everything
    hanging off them. Returns rows deleted per model (``"app.Model"``); audited in bulk.

    Runs in a transaction as ``System("cli:demo")``. User accounts tied to a demo trust stop
    the reset (:class:`DemoDataError`) rather than being deleted.
    """
    deleted: dict[str, int] = {}
    with acting_as(DEMO_ACTOR), transaction.atomic():
        for hook in reversed(DEMO_RESET_STEPS):
            hook()
        trusts = Trust.objects.filter(is_demo=True)
        # The published demo sign-ins are demo data too: deleted here, re-created by
        # ``mhsip demousers`` (which ``mhsip demo --reset`` runs when they existed).
        for account in get_user_model()._default_manager.filter(username__in=DEMO_USERNAMES):
            account.delete(audit_reason=reason)
        users = get_user_model()._default_manager.filter(trust__in=trusts)
        if users.exists():
            names = ", ".join(sorted(u.get_username() for u in users[:5]))
            raise DemoDataError(
                f"User accounts belong to demo trusts ({names}); reassign or delete them "
                "before resetting the demo."
            )
        wards = Ward.objects.filter(site__trust__in=trusts)
        patients = Patient.objects.filter(trust__in=trusts)
        # incidents (their staff and interventions first), safety events, weekly returns
        for rows in event_rows(wards, patients):
            _delete(rows, deleted, reason)
        _delete(WardCensus.objects.filter(ward__in=wards), deleted, reason)
        stays = Stay.objects.filter(models.Q(ward__in=wards) | models.Q(patient__in=patients))
        _delete(stays, deleted, reason)
        _delete(patients, deleted, reason)
        _delete(Collaborative.objects.filter(is_demo=True), deleted, reason)
        # Unlink demo wards from anything else that lists them (a real collaborative, the
        # wards a user works on): many-to-many rows only, never the other side.
        for rel in Ward._meta.related_objects:
            if rel.many_to_many and rel.through is not None:
                ward_field = rel.remote_field.m2m_reverse_field_name()
                links = rel.through._default_manager.filter(**{f"{ward_field}__in": wards})
                _delete(links, deleted, reason)
        _delete(wards, deleted, reason)
        _delete(Site.objects.filter(trust__in=trusts), deleted, reason)
        _delete(trusts, deleted, reason)
    return deleted


# --- loading ---------------------------------------------------------------------------------
def _prepare_database(params: DemoParameters, *, reset: bool) -> dict[str, int]:
    real = Trust.objects.filter(is_demo=False)
    if real.exists():
        names = ", ".join(real.order_by("name").values_list("name", flat=True)[:3])
        raise DemoDataError(
            f"This database holds real (non-demo) trusts ({names}). The demo is loaded only "
            "into a database of its own, so demo and real data never mix."
        )
    deleted: dict[str, int] = {}
    if has_demo_data():
        if not reset:
            raise DemoDataError(
                "Demo data is already loaded. Run `mhsip demo --reset` to delete it and load "
                "it again."
            )
        deleted = delete_demo(reason="demo reset before reload")
    clash = Collaborative.objects.filter(
        models.Q(slug=params.collaborative_slug) | models.Q(name=params.collaborative_name)
    )
    if clash.exists():
        raise DemoDataError(
            f"A real collaborative already uses the demo's name or slug "
            f"({params.collaborative_slug!r}); rename it or choose other demo parameters."
        )
    return deleted


def load_demo(
    seed: int, *, reset: bool = False, params: DemoParameters | None = None
) -> DemoSummary:
    """Generate the demo collaborative for ``seed`` and write it in one transaction.

    Raises :class:`DemoDataError` if the database holds real trusts, or demo data already and
    ``reset`` is false; with ``reset`` the old demo data is deleted first (same transaction).
    """
    started = time.perf_counter()
    params = params if params is not None else DemoParameters()
    data = generate_demo(seed, params)
    ctx = DemoContext(
        seed=seed, params=params, data=data, reason=f"demo collaborative, seed {seed}"
    )
    with acting_as(DEMO_ACTOR), transaction.atomic():
        deleted = _prepare_database(params, reset=reset)
        for step in list(DEMO_STEPS):
            step(ctx)
    timeline = data.timeline
    available = sum(w.beds for w in data.wards) * timeline.days
    bed_days = ctx.counts.get("bed_days", 0)
    return DemoSummary(
        seed=seed,
        trusts=ctx.counts.get("trusts", 0),
        sites=ctx.counts.get("sites", 0),
        wards=ctx.counts.get("wards", 0),
        learning_sessions=ctx.counts.get("learning_sessions", 0),
        patients=ctx.counts.get("patients", 0),
        stays=ctx.counts.get("stays", 0),
        census_rows=ctx.counts.get("census_rows", 0),
        bed_days=bed_days,
        occupancy=bed_days / available if available else 0.0,
        timeline_start=timeline.start,
        timeline_end=timeline.end,
        seconds=time.perf_counter() - started,
        deleted=deleted,
        counts=dict(ctx.counts),
    )
