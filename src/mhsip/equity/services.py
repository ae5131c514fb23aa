"""Equity analysis for a scope (ward, trust, collaborative): the functions pages, exports, the
API and the annual report call. Plain functions returning frozen dataclasses; their names are
stable (the reports use them).

* :func:`resolve_scope` -- which wards a user's request covers (through the scoped accessor:
  a ward or trust outside the user's scope is a 404).
* :func:`period_choices` / :func:`resolve_period` -- whole-month periods with data.
* :func:`disclosure_for` -- whether figures are disclosure-controlled for this user and scope.
* :func:`equity_report` -- rates, ratios, the ratio over time, concentration and population
  rates for one characteristic, with the tables as shown.
* :func:`collaborative_equity` -- the same for a whole collaborative, published (for reports).

Who sees what (docs/equity.md, "Disclosure control"):

* Anything published -- the pages of collaborative admins, analysts and network members, every
  CSV export, every API answer to those roles -- is disclosure-controlled under
  :data:`mhsip.stats.HES_RULE` with secondary suppression across linked tables.
* The ward recording roles and the trust lead looking at their own wards or trust (direct
  care and local audit within the providing organisation, domain brief §10) see unsuppressed
  figures on the page, labelled as such, **except** ethnicity at ward level: ward-level
  ethnicity tables are always disclosure-controlled (domain brief, software implications E).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Max, Min
from django.http import Http404
from django.utils import timezone

from mhsip.accounts.roles import Role
from mhsip.audit.log import record_bulk
from mhsip.equity import compute, tables
from mhsip.equity.characteristics import (
    CHARACTERISTICS,
    LINKED,
    ROLL_UP,
    Characteristic,
)
from mhsip.equity.characteristics import (
    characteristic as get_characteristic,
)
from mhsip.equity.compute import (
    Concentration,
    Frame,
    GroupStatistics,
    PopulationStatistics,
    RatioSeries,
)
from mhsip.equity.frames import frame_from_rows, pair_rows, stay_rows
from mhsip.equity.linked import LinkedDisclosure
from mhsip.equity.models import PopulationEstimate, TrustCatchment
from mhsip.equity.population import CatchmentRow, PopulationRow
from mhsip.organisations.access import get_ward_or_404, visible_wards
from mhsip.organisations.models import Collaborative, Ward
from mhsip.recording.models import UseOfForceIncident, WardCensus
from mhsip.stats import HES_RULE, DisclosedCounts, DisclosureRule, disclose_counts, disclose_rates

RULE: DisclosureRule = HES_RULE
BED_DAY_RULE = DisclosureRule(
    name="Bed days (under 100 hidden)", threshold=100, suppress_zero=False, rounding_base=5
)
"""Bed days of a group are published rounded to 5 and hidden below 100: the same 100 bed days
below which a rate is not published (MHSDS rule for MHS96, domain brief §2.5)."""

WITHIN_SERVICE = "per 1,000 occupied bed days of patients in this group (within-service)"
POPULATION = "per 100,000 residents (population)"
SERIES_MONTHS = 36
FEW_PEOPLE = 20


# --- scope -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The wards a view covers: ``kind`` is "collaborative", "trust", "ward" or "wards" (a ward
    role's own wards); ``trust_codes`` are the ODS codes whose catchments give population
    denominators."""

    kind: str
    label: str
    wards: tuple[Ward, ...]
    trust_codes: tuple[str, ...]
    ward_code: str = ""
    trust_code: str = ""

    @property
    def ward_ids(self) -> list[int]:
        return [w.pk for w in self.wards]

    @property
    def ward_level(self) -> bool:
        return self.kind in {"ward", "wards"}

    @property
    def has_population(self) -> bool:
        return not self.ward_level


def current_collaborative() -> Collaborative | None:
    return Collaborative.objects.first()


def _role(user: Any) -> Role | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Role(user.role)


def collaborative_scope(collaborative: Collaborative) -> Scope:
    wards = tuple(
        collaborative.wards.select_related("site__trust").order_by("site__trust__name", "name")
    )
    return Scope(
        kind="collaborative",
        label=collaborative.name,
        wards=wards,
        trust_codes=tuple(sorted({w.site.trust.ods_code for w in wards})),
    )


def resolve_scope(user: Any, *, ward: str = "", trust: str = "") -> Scope:
    """The scope of a request: ``ward`` (a ward code) or ``trust`` (an ODS code) narrow it.

    Raises ``Http404`` for a ward or trust outside the user's scope (ADR 0003), and for any
    filter asked by a network member (who sees only collaborative figures).
    """
    role = _role(user)
    visible = visible_wards(user).order_by("site__trust__name", "name")
    if ward:
        w = get_ward_or_404(user, ward)
        return Scope("ward", w.name, (w,), (w.site.trust.ods_code,), ward_code=w.code)
    if trust:
        if role is not None and role.scoped_to_wards:
            raise Http404("No such trust")
        wards = tuple(visible.filter(site__trust__ods_code=trust))
        if not wards:
            raise Http404("No such trust")
        return Scope("trust", wards[0].site.trust.name, wards, (trust,), trust_code=trust)
    if (
        user.is_superuser
        or role in {Role.COLLABORATIVE_ADMIN, Role.NETWORK_MEMBER}
        or (role is Role.ANALYST and user.trust_id is None)
    ):
        collaborative = current_collaborative()
        if collaborative is None:
            return Scope("collaborative", "No collaborative", (), ())
        return collaborative_scope(collaborative)
    wards = tuple(visible)
    if role is not None and role.scoped_to_wards:
        label = wards[0].name if len(wards) == 1 else "Your wards"
        return Scope(
            "ward" if len(wards) == 1 else "wards",
            label,
            wards,
            tuple(sorted({w.site.trust.ods_code for w in wards})),
            ward_code=wards[0].code if len(wards) == 1 else "",
        )
    trust_name = wards[0].site.trust.name if wards else "Your trust"
    codes = tuple(sorted({w.site.trust.ods_code for w in wards}))
    return Scope("trust", trust_name, wards, codes, trust_code=codes[0] if codes else "")


def filter_choices(user: Any) -> dict[str, list[tuple[str, str]]]:
    """The trusts and wards a user may narrow the view to (empty for network members)."""
    role = _role(user)
    if role is Role.NETWORK_MEMBER:
        return {"trusts": [], "wards": []}
    wards = list(visible_wards(user).order_by("site__trust__name", "name"))
    trusts: dict[str, str] = {}
    if not (role is not None and role.scoped_to_wards):
        trusts = {w.site.trust.ods_code: w.site.trust.name for w in wards}
    return {
        "trusts": sorted(trusts.items(), key=lambda kv: kv[1]),
        "wards": [(w.code, w.name) for w in wards],
    }


def disclosure_for(
    user: Any, scope: Scope, characteristic: Characteristic | None = None
) -> DisclosureRule | None:
    """The rule figures for ``user`` and ``scope`` are published under, or ``None`` for
    unsuppressed figures (recording roles in their own trust: direct care and local audit).

    Ward-level ethnicity is always disclosure-controlled.
    """
    if characteristic is not None and scope.ward_level and characteristic.key in LINKED:
        return RULE
    role = _role(user)
    if role is None or not role.can_record or scope.kind == "collaborative":
        return RULE
    own = set(visible_wards(user).values_list("pk", flat=True))
    return None if set(scope.ward_ids) <= own else RULE


# --- periods ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: dt.date
    end: dt.date

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _month_end(day: dt.date) -> dt.date:
    nxt = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def data_span(
    ward_ids: Sequence[int], today: dt.date | None = None
) -> tuple[dt.date, dt.date] | None:
    """First and last whole month with data for these wards.

    Data start with the wards' first census day or first use-of-force record (stays admitted
    before a ward started recording would otherwise add bed days with no records: zero is not
    missing). The last month is the last complete one before ``today`` and before the last
    data day.
    """
    today = today or timezone.localdate()
    census = WardCensus.objects.filter(ward_id__in=list(ward_ids)).aggregate(
        a=Min("date"), b=Max("date")
    )
    incidents = UseOfForceIncident.objects.filter(ward_id__in=list(ward_ids)).aggregate(
        a=Min("started_at"), b=Max("started_at")
    )
    firsts = [d for d in (census["a"], incidents["a"] and timezone.localdate(incidents["a"])) if d]
    lasts = [d for d in (census["b"], incidents["b"] and timezone.localdate(incidents["b"])) if d]
    if not firsts:
        return None
    first = min(firsts)
    start = first if first.day == 1 else _month_end(first) + dt.timedelta(days=1)
    last_day = min(max(lasts), today - dt.timedelta(days=1))
    end = (
        last_day
        if last_day == _month_end(last_day)
        else _month_start(last_day) - dt.timedelta(days=1)
    )
    if end < start:
        return None
    return start, end


def financial_year_label(year: int) -> str:
    return f"April {year} to March {year + 1}"


def period_choices(ward_ids: Sequence[int], today: dt.date | None = None) -> list[Period]:
    """Last 12 months, each financial year with data (clipped to the data), and all data."""
    span = data_span(ward_ids, today)
    if span is None:
        return []
    first, last = span
    out = []
    start12 = max(_month_end(dt.date(last.year - 1, last.month, 1)) + dt.timedelta(days=1), first)
    out.append(Period("12m", f"Last 12 months ({start12:%B %Y} to {last:%B %Y})", start12, last))
    fy = first.year if first.month >= 4 else first.year - 1
    while dt.date(fy, 4, 1) <= last:
        s, e = max(dt.date(fy, 4, 1), first), min(dt.date(fy + 1, 3, 31), last)
        label = f"Financial year {fy} to {fy + 1}"
        if (s, e) != (dt.date(fy, 4, 1), dt.date(fy + 1, 3, 31)):
            label += f" ({s:%B %Y} to {e:%B %Y} only)"
        out.append(Period(f"fy{fy}", label, s, e))
        fy += 1
    out.append(Period("all", f"All data ({first:%B %Y} to {last:%B %Y})", first, last))
    return out


def resolve_period(choices: Sequence[Period], key: str | None) -> Period | None:
    """The chosen period (the first choice when ``key`` is empty); ``None`` if unknown."""
    if not choices:
        return None
    if not key:
        return choices[0]
    return next((p for p in choices if p.key == key), None)


# --- population --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PopulationSource:
    areas: tuple[str, ...]
    year: int | None
    source: str
    notes: tuple[str, ...]


def population_for(
    scope: Scope, characteristic: Characteristic
) -> tuple[np.ndarray, PopulationSource] | None:
    """Residents per group of ``characteristic`` in the scope's catchment (sum of its areas),
    NaN for groups without a figure; ``None`` for a ward scope, a characteristic without a
    population table, or trusts without a catchment."""
    if not scope.has_population or characteristic.population is None:
        return None
    catchments = list(TrustCatchment.objects.filter(trust_ods_code__in=scope.trust_codes))
    codes = sorted({c.area_code for c in catchments})
    if not codes:
        return None
    rows = list(
        PopulationEstimate.objects.filter(
            area_code__in=codes, characteristic=characteristic.population
        )
    )
    if not rows:
        return None
    latest: dict[str, int] = {}
    for r in rows:
        latest[r.area_code] = max(latest.get(r.area_code, 0), r.year)
    by_group: dict[str, dict[str, int]] = {}
    names: dict[str, str] = {}
    source = ""
    for r in rows:
        if r.year == latest[r.area_code]:
            by_group.setdefault(r.group, {})[r.area_code] = r.population
            names[r.area_code] = r.area_name
            source = r.source
    population = np.array(
        [
            float(sum(by_group[g].values()))
            if g in by_group and set(by_group[g]) == set(codes)
            else np.nan
            for g in characteristic.group_keys
        ]
    )
    notes = tuple(f"{c.trust_ods_code}: {c.note}" for c in catchments if c.note)
    return population, PopulationSource(
        areas=tuple(names.get(c, c) for c in codes),
        year=max(latest.values()),
        source=source,
        notes=notes,
    )


def load_population_rows(
    rows: Sequence[PopulationRow], catchments: Sequence[CatchmentRow]
) -> tuple[int, int]:
    """Add or replace population figures and catchments, all or nothing (needs an actor)."""
    created = updated = 0
    with transaction.atomic():
        for r in rows:
            obj = PopulationEstimate.objects.filter(
                area_code=r.area_code, year=r.year, characteristic=r.characteristic, group=r.group
            ).first()
            values = {f: getattr(r, f) for f in r.__dataclass_fields__}
            if obj is None:
                PopulationEstimate(**values).save(audit_reason="population table loaded")
                created += 1
            else:
                changed = any(getattr(obj, f) != v for f, v in values.items())
                if changed:
                    for f, v in values.items():
                        setattr(obj, f, v)
                    obj.save(audit_reason="population table reloaded")
                    updated += 1
        existing = set(TrustCatchment.objects.values_list("trust_ods_code", "area_code"))
        new = [
            TrustCatchment(trust_ods_code=c.trust_ods_code, area_code=c.area_code, note=c.note)
            for c in catchments
            if (c.trust_ods_code, c.area_code) not in existing
        ]
        if new:
            TrustCatchment.objects.bulk_create(new)
            record_bulk(TrustCatchment, len(new), reason="trust catchments loaded")
    return created, updated


# --- the report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """The chosen comparison in one sentence, e.g. "3.1 times (95% CI 2.6 to 3.6)"."""

    group_label: str
    reference_label: str
    ratio: float | None
    lower: float | None
    upper: float | None
    suppressed: bool
    method: str
    sentence: str


@dataclass(frozen=True)
class EquityReport:
    """Everything the equity page, its export, the API and the annual report show.

    ``rule`` is ``None`` when the figures are unsuppressed (local audit); the tables are then
    shown as computed. ``stats``/``population``/``series``/``concentration`` hold the
    unrounded results (never rendered directly when ``rule`` is set).
    """

    scope: Scope
    characteristic: Characteristic
    start: dt.date
    end: dt.date
    reference: str
    compare: str
    rule: DisclosureRule | None
    stats: GroupStatistics
    population: PopulationStatistics | None
    population_source: PopulationSource | None
    series: RatioSeries
    concentration: Concentration
    headline: Headline
    rates_table: tables.Table
    population_table: tables.Table | None
    series_table: tables.Table
    concentration_table: tables.Table
    published_counts: dict[str, DisclosedCounts]

    @property
    def published(self) -> bool:
        return self.rule is not None

    @property
    def all_tables(self) -> list[tables.Table]:
        out = [self.rates_table]
        if self.population_table is not None:
            out.append(self.population_table)
        return [*out, self.series_table, self.concentration_table]

    @property
    def method(self) -> str:
        return compute.METHOD_LABELS[compute.ROBUST]


def equity_report(
    scope: Scope,
    start: dt.date,
    end: dt.date,
    *,
    characteristic: str | Characteristic = "ethnicity",
    reference: str | None = None,
    compare: str | None = None,
    rule: DisclosureRule | None = RULE,
    series_months: int = SERIES_MONTHS,
    series_start: dt.date | None = None,
) -> EquityReport:
    """The equity analysis of ``scope`` for ``start..end`` (whole months).

    ``reference`` (default: the characteristic's, White for ethnicity) is what the other groups
    are compared with; ``compare`` (default Black for ethnicity) is the group whose ratio is
    charted month by month, over the ``series_months`` months ending with ``end`` (from
    ``series_start`` at the earliest). ``rule=None`` gives unsuppressed tables.
    Raises ``ValueError`` for an unknown group.
    """
    char = (
        characteristic
        if isinstance(characteristic, Characteristic)
        else get_characteristic(characteristic)
    )
    ref = reference or char.default_reference
    cmp_ = compare or (
        char.compare if char.compare != ref else next(g for g in char.group_keys if g != ref)
    )
    for g in (ref, cmp_):
        if g not in char.group_keys:
            raise ValueError(f"{g!r} is not a group of {char.label.lower()}")
    s_start = dt.date(end.year, end.month, 1)
    for _ in range(series_months - 1):
        s_start = _month_start(s_start - dt.timedelta(days=1))
    s_start = min(start, max(s_start, series_start or start))
    needed = [CHARACTERISTICS[k] for k in LINKED.get(char.key, (char.key,))]
    fields = tuple(dict.fromkeys(c.field for c in needed))
    stays = stay_rows(scope.ward_ids, s_start, end, fields)
    pairs = pair_rows(scope.ward_ids, s_start, end, fields)
    family: dict[str, GroupStatistics] = {}
    frames: dict[str, Frame] = {}
    for c in needed:
        long = frame_from_rows(c, s_start, end, stays, pairs)
        frames[c.key] = long
        inside = (long.month >= np.datetime64(start, "M")) & (long.month <= np.datetime64(end, "M"))
        family[c.key] = compute.group_statistics(
            long.where(inside), c, ref if c.key == char.key else None
        )
    stats = family[char.key]
    long_frame = frames[char.key]
    frame = long_frame.where(
        (long_frame.month >= np.datetime64(start, "M"))
        & (long_frame.month <= np.datetime64(end, "M"))
    )
    months = compute.month_range(s_start, end)
    series = compute.ratio_series(long_frame, cmp_, ref, months)
    conc = compute.concentration(frame)
    pop = population_for(scope, char)
    population = None
    if pop is not None:
        population = compute.population_statistics(
            char.group_keys, ref, stats.people_restrained, pop[0]
        )
    published = publish_counts(family, rule) if rule is not None else {}
    headline = _headline(stats, cmp_, published, rule)
    return EquityReport(
        scope=scope,
        characteristic=char,
        start=start,
        end=end,
        reference=ref,
        compare=cmp_,
        rule=rule,
        stats=stats,
        population=population,
        population_source=pop[1] if pop else None,
        series=series,
        concentration=conc,
        headline=headline,
        rates_table=rates_table(stats, published, rule),
        population_table=(
            population_table(stats, population, published, rule, pop[1] if pop else None)
            if population is not None
            else None
        ),
        series_table=series_table(series, stats, rule),
        concentration_table=concentration_table(conc, rule),
        published_counts=published,
    )


def collaborative_equity(
    start: dt.date,
    end: dt.date,
    *,
    collaborative: Collaborative | None = None,
    characteristic: str = "ethnicity",
    reference: str | None = None,
    compare: str | None = None,
) -> EquityReport | None:
    """The published (disclosure-controlled) equity report of a whole collaborative, for the
    annual report; ``None`` when there is no collaborative."""
    collaborative = collaborative or current_collaborative()
    if collaborative is None:
        return None
    return equity_report(
        collaborative_scope(collaborative),
        start,
        end,
        characteristic=characteristic,
        reference=reference,
        compare=compare,
        rule=RULE,
    )


# --- disclosure of the counts -------------------------------------------------------------------

MEASURES = ("people", "people_restrained", "interventions", "bed_days")


def publish_counts(
    family: dict[str, GroupStatistics], rule: DisclosureRule
) -> dict[str, DisclosedCounts]:
    """Disclosure control of every count column of the tables of a family of linked
    characteristics (e.g. the five ethnic groups and the detailed codes), done together so a
    count hidden in one cannot be recovered from the other. Keys are ``"{characteristic}:
    {measure}"``."""
    linked = LinkedDisclosure(rule)
    for key, stats in family.items():
        for m in MEASURES:
            linked.vector(
                f"{key}:{m}", getattr(stats, m), rule=BED_DAY_RULE if m == "bed_days" else rule
            )
    keys = list(family)
    for (fine, coarse), roll in ROLL_UP.items():
        if fine in family and coarse in family:
            fine_groups = family[fine].groups
            for gi, g in enumerate(family[coarse].groups):
                parts = [i for i, code in enumerate(fine_groups) if roll(code) == g]
                for m in MEASURES:
                    linked.sums((f"{coarse}:{m}", gi), [(f"{fine}:{m}", i) for i in parts])
    for m in MEASURES:
        for other in keys[1:]:
            linked.same((f"{keys[0]}:{m}", -1), (f"{other}:{m}", -1))
    return linked.solve()


def _counts(
    published: dict[str, DisclosedCounts], key: str, m: str
) -> tuple[np.ndarray, np.ndarray]:
    d = published[f"{key}:{m}"]
    return d.values, d.suppressed


def _rates_published(
    stats: GroupStatistics, published: dict[str, DisclosedCounts], rule: DisclosureRule
) -> tuple[np.ndarray, np.ndarray]:
    key = stats.characteristic.key
    _, iv_hidden = _counts(published, key, "interventions")
    _, pr_hidden = _counts(published, key, "people_restrained")
    _, bd_hidden = _counts(published, key, "bed_days")
    d = disclose_rates(
        stats.interventions,
        stats.bed_days,
        rule=rule,
        multiplier=compute.BED_DAY_MULTIPLIER,
        decimals=1,
        numerator_suppressed=iv_hidden[:-1] | pr_hidden[:-1] | bd_hidden[:-1],
        people=stats.people_restrained,
    )
    return d.values, d.suppressed


def _headline(
    stats: GroupStatistics,
    compare: str,
    published: dict[str, DisclosedCounts],
    rule: DisclosureRule | None,
) -> Headline:
    c = stats.characteristic
    i, r = stats.index(compare), stats.reference_index
    hidden = False
    if rule is not None:
        _, rate_hidden = _rates_published(stats, published, rule)
        hidden = bool(rate_hidden[i] or rate_hidden[r])
    ratio = float(stats.ratio[i])
    lo, hi = float(stats.ratio_lower[i]), float(stats.ratio_upper[i])
    g_label, r_label = c.group_label(compare), c.group_label(stats.reference)
    if hidden:
        sentence = (
            f"The rate ratio of {g_label} to {r_label} patients is not shown: it rests "
            "on a small number of interventions or bed days."
        )
    elif not np.isfinite(ratio):
        sentence = (
            f"No rate ratio of {g_label} to {r_label} patients can be given: "
            f"{stats.ratio_reason[i]}."
        )
    else:
        ci = (
            f" (95% confidence interval {lo:.2f} to {hi:.2f})"
            if np.isfinite(lo) and np.isfinite(hi)
            else ""
        )
        sentence = (
            f"{g_label} patients were subject to restrictive interventions at "
            f"{ratio:.2f} times the rate of {r_label} patients{ci}, {WITHIN_SERVICE}."
        )
    return Headline(
        group_label=g_label,
        reference_label=r_label,
        ratio=None if hidden or not np.isfinite(ratio) else ratio,
        lower=None if hidden or not np.isfinite(lo) else lo,
        upper=None if hidden or not np.isfinite(hi) else hi,
        suppressed=hidden,
        method=compute.METHOD_LABELS.get(str(stats.ratio_method[i]), ""),
        sentence=sentence,
    )


# --- tables as shown --------------------------------------------------------------------------


def rates_table(
    stats: GroupStatistics, published: dict[str, DisclosedCounts], rule: DisclosureRule | None
) -> tables.Table:
    """Within-service rates and ratios by group, with the people and interventions behind them."""
    c = stats.characteristic
    ref_label = c.group_label(stats.reference)
    cols = (
        tables.Column("group", c.label, "label"),
        tables.Column("people", "People in the service", "count"),
        tables.Column("people_restrained", "People subject to restrictive intervention", "count"),
        tables.Column("interventions", "Restrictive interventions", "count"),
        tables.Column("bed_days", "Occupied bed days", "bed_days"),
        tables.Column("rate", "Rate per 1,000 occupied bed days", "rate"),
        tables.Column("rate_ci", "95% confidence interval", "interval"),
        tables.Column("ratio", f"Rate ratio to {ref_label}", "ratio"),
        tables.Column("ratio_ci", "95% confidence interval", "interval"),
        tables.Column("concentration", "Share on the 10% most restrained (%)", "share"),
    )
    marker = rule.marker if rule else "*"
    n = len(stats.groups)
    if rule is not None:
        vals = {m: _counts(published, c.key, m) for m in MEASURES}
        rate_vals, rate_hidden = _rates_published(stats, published, rule)
    else:
        vals = {
            m: (np.append(getattr(stats, m), getattr(stats, m).sum()), np.zeros(n + 1, bool))
            for m in MEASURES
        }
        rate_vals, rate_hidden = stats.rate, np.zeros(n, bool)
    r = stats.reference_index
    rows = []
    for i, g in enumerate(stats.groups):
        hide_ratio = bool(rate_hidden[i] or rate_hidden[r]) and i != r
        few = stats.people_restrained[i] < FEW_PEOPLE and stats.people_restrained[i] > 0
        ratio_note = str(stats.ratio_reason[i]) if not hide_ratio else ""
        conc_hidden = bool(vals["people_restrained"][1][i] or vals["interventions"][1][i])
        rows.append(
            (
                tables.label(c.group_label(g) + (" (reference)" if i == r else "")),
                *(
                    tables.count_cell(
                        getattr(stats, m)[i], vals[m][0][i], bool(vals[m][1][i]), marker
                    )
                    if m != "bed_days"
                    else tables.figure_cell(
                        "bed_days",
                        vals[m][0][i],
                        0,
                        suppressed=bool(vals[m][1][i]),
                        marker=marker,
                        raw=stats.bed_days[i],
                        empty="0",
                    )
                    for m in MEASURES
                ),
                tables.figure_cell(
                    "rate",
                    rate_vals[i],
                    1,
                    suppressed=bool(rate_hidden[i]),
                    marker=marker,
                    raw=stats.rate[i],
                    note="no bed days" if stats.bed_days[i] == 0 else "",
                ),
                tables.interval_cell(
                    stats.rate_lower[i],
                    stats.rate_upper[i],
                    1,
                    suppressed=bool(rate_hidden[i]),
                    marker=marker,
                ),
                tables.figure_cell(
                    "ratio",
                    stats.ratio[i] if i != r else 1.0,
                    2,
                    suppressed=hide_ratio,
                    marker=marker,
                    note=ratio_note
                    + ("; fewer than 20 people restrained: interpret with care" if few else ""),
                ),
                tables.interval_cell(
                    stats.ratio_lower[i],
                    stats.ratio_upper[i],
                    2,
                    suppressed=hide_ratio,
                    marker=marker,
                ),
                tables.figure_cell(
                    "share", stats.concentration[i] * 100, 0, suppressed=conc_hidden, marker=marker
                ),
            )
        )
    total_cells = [tables.label("Total")]
    for m in MEASURES:
        raw_total = float(getattr(stats, m).sum())
        if m == "bed_days":
            total_cells.append(
                tables.figure_cell(
                    "bed_days",
                    vals[m][0][-1],
                    0,
                    suppressed=bool(vals[m][1][-1]),
                    marker=marker,
                    raw=raw_total,
                    empty="0",
                )
            )
        else:
            total_cells.append(
                tables.count_cell(raw_total, vals[m][0][-1], bool(vals[m][1][-1]), marker)
            )
    total_cells += [tables.text_cell("")] * 5
    rows.append(tuple(total_cells))
    notes = [
        f"Rates are {WITHIN_SERVICE}.",
        "95% confidence intervals: " + compute.METHOD_LABELS[compute.ROBUST] + ".",
    ]
    if c.key == "age_band":
        notes.append("A person whose age band changed during the period counts in both bands.")
    if rule is not None:
        notes.append(f"Disclosure control: {rule.name}; rates from rounded counts.")
    return tables.Table(
        key="rates",
        caption=f"Restrictive interventions by {c.label.lower()}",
        columns=cols,
        rows=tuple(rows),
        rule=rule,
        denominator=WITHIN_SERVICE,
        notes=tuple(notes),
        total_row=True,
    )


def population_table(
    stats: GroupStatistics,
    population: PopulationStatistics,
    published: dict[str, DisclosedCounts],
    rule: DisclosureRule | None,
    source: PopulationSource | None,
) -> tables.Table:
    c = stats.characteristic
    cols = (
        tables.Column("group", c.label, "label"),
        tables.Column("population", "Residents", "population"),
        tables.Column("people_restrained", "People subject to restrictive intervention", "count"),
        tables.Column("rate", "People per 100,000 residents", "rate"),
        tables.Column("rate_ci", "95% confidence interval", "interval"),
        tables.Column("ratio", f"Rate ratio to {c.group_label(stats.reference)}", "ratio"),
        tables.Column("ratio_ci", "95% confidence interval", "interval"),
    )
    marker = rule.marker if rule else "*"
    n = len(stats.groups)
    if rule is not None:
        people_vals, people_hidden = _counts(published, c.key, "people_restrained")
        d = disclose_rates(
            population.people_restrained,
            np.nan_to_num(population.population),
            rule=rule,
            multiplier=compute.POPULATION_MULTIPLIER,
            decimals=1,
            numerator_suppressed=people_hidden[:-1],
        )
        rate_vals, rate_hidden = d.values, d.suppressed
    else:
        people_vals, people_hidden = population.people_restrained, np.zeros(n + 1, bool)
        rate_vals, rate_hidden = population.rate, np.zeros(n, bool)
    r = stats.reference_index
    rows = []
    for i, g in enumerate(stats.groups):
        no_pop = not np.isfinite(population.population[i])
        hide_ratio = bool(rate_hidden[i] or rate_hidden[r]) and i != r and not no_pop
        rows.append(
            (
                tables.label(c.group_label(g) + (" (reference)" if i == r else "")),
                tables.figure_cell("population", population.population[i], 0, empty="No figure"),
                tables.count_cell(
                    population.people_restrained[i], people_vals[i], bool(people_hidden[i]), marker
                ),
                tables.figure_cell(
                    "rate",
                    None if no_pop else rate_vals[i],
                    1,
                    suppressed=bool(rate_hidden[i]) and not no_pop,
                    marker=marker,
                    raw=population.rate[i],
                ),
                tables.interval_cell(
                    population.rate_lower[i],
                    population.rate_upper[i],
                    1,
                    suppressed=bool(rate_hidden[i]) and not no_pop,
                    marker=marker,
                ),
                tables.figure_cell(
                    "ratio",
                    population.ratio[i],
                    2,
                    suppressed=hide_ratio,
                    marker=marker,
                    note=str(population.ratio_reason[i]),
                ),
                tables.interval_cell(
                    population.ratio_lower[i],
                    population.ratio_upper[i],
                    2,
                    suppressed=hide_ratio,
                    marker=marker,
                ),
            )
        )
    notes = [f"Rates are people subject to restrictive intervention in the period {POPULATION}."]
    if source is not None:
        notes.append(f"Residents of {', '.join(source.areas)}: {source.source}.")
        notes.extend(f"Catchment {n}" for n in source.notes)
    notes.append(
        "Patients are not all residents of these areas, and the catchments are "
        "approximate: read these rates as context for the within-service figures."
    )
    return tables.Table(
        key="population",
        caption=f"People subject to restrictive intervention by "
        f"{c.label.lower()}, per 100,000 residents",
        columns=cols,
        rows=tuple(rows),
        rule=rule,
        denominator=POPULATION,
        notes=tuple(notes),
    )


def series_table(
    series: RatioSeries, stats: GroupStatistics, rule: DisclosureRule | None
) -> tables.Table:
    """Month by month: the ratio and its XmR chart (centre, process limits, the point's type)."""
    c = stats.characteristic
    g, r = c.group_label(series.group), c.group_label(series.reference)
    cols = [tables.Column("month", "Month", "label")]
    if rule is None:
        cols += [
            tables.Column("events", f"Interventions: {g}", "count"),
            tables.Column("bed_days", f"Bed days: {g}", "bed_days"),
            tables.Column("ref_events", f"Interventions: {r}", "count"),
            tables.Column("ref_bed_days", f"Bed days: {r}", "bed_days"),
        ]
    cols += [
        tables.Column("ratio", f"Rate ratio {g} to {r}", "ratio"),
        tables.Column("centre", "Centre line", "ratio"),
        tables.Column("lower", "Lower process limit", "ratio"),
        tables.Column("upper", "Upper process limit", "ratio"),
        tables.Column("point", "Point", "text"),
        tables.Column("why", "Why", "text"),
    ]
    marker = rule.marker if rule else "*"
    rows = []
    for i, month in enumerate(series.months):
        hidden = rule is not None and bool(
            rule.suppresses(series.events[i]) or rule.suppresses(series.ref_events[i])
        )
        point, why = _point(series, i)
        if hidden:
            point, why = "Not shown", "Rests on fewer than 8 interventions in one group"
        cells = [tables.label(f"{month.astype(dt.date):%b %Y}")]
        if rule is None:
            cells += [
                tables.count_cell(series.events[i], series.events[i], False),
                tables.figure_cell("bed_days", series.bed_days[i], 0, empty="0"),
                tables.count_cell(series.ref_events[i], series.ref_events[i], False),
                tables.figure_cell("bed_days", series.ref_bed_days[i], 0, empty="0"),
            ]
        cells += [
            tables.figure_cell(
                "ratio",
                series.ratio[i],
                2,
                suppressed=hidden,
                marker=marker,
                note=str(series.reason[i]),
                empty="Missing",
            ),
            tables.figure_cell("ratio", series.centre[i], 2),
            tables.figure_cell("ratio", series.lower[i], 2),
            tables.figure_cell("ratio", series.upper[i], 2),
            tables.text_cell(point),
            tables.text_cell(why),
        ]
        rows.append(tuple(cells))
    notes = [
        "XmR chart (Making Data Count) of the log of the monthly rate ratio, shown as the ratio: "
        "limits come from the month-to-month variation seen, which includes the clustering of "
        "restraint on a few patients. A month is missing when either group had no "
        "interventions or no bed days (never a zero).",
        f"Improvement is towards parity (ratio 1): {'lower' if series.improvement == 'decrease' else 'higher'} is better here.",  # noqa: E501
    ]
    if rule is not None:
        notes.append(
            "Monthly counts are not published; a month's ratio is not shown when "
            "either group had 1 to 7 interventions (it is still used for the limits)."
        )
    return tables.Table(
        key="series",
        caption=f"Monthly rate ratio, {g} to {r}",
        columns=tuple(cols),
        rows=tuple(rows),
        rule=rule,
        denominator=WITHIN_SERVICE,
        notes=tuple(notes),
    )


POINT_TEXT = {
    "common_cause": "Common cause",
    "special_cause_improvement": "Special cause: improvement",
    "special_cause_concern": "Special cause: concern",
    "special_cause_neutral_high": "Special cause: high",
    "special_cause_neutral_low": "Special cause: low",
}


def _point(series: RatioSeries, i: int) -> tuple[str, str]:
    if not np.isfinite(series.ratio[i]):
        return "Missing", f"Missing: {series.reason[i]} (not a zero)"
    if series.spc is None or not series.point_type[i]:
        return "", "Too few months for limits"
    kind = str(series.point_type[i])
    return POINT_TEXT.get(kind, kind), str(series.explanation[i])


def concentration_table(conc: Concentration, rule: DisclosureRule | None) -> tables.Table:
    cols = (
        tables.Column("who", "Among", "label"),
        tables.Column("people", "People", "count"),
        tables.Column("share", "Share of interventions on the 10% most restrained (%)", "share"),
    )
    marker = rule.marker if rule else "*"
    rows = []
    for who, people, share in (
        ("Everyone with a bed day in the period", conc.people, conc.share_all),
        ("People restrained at least once", conc.people_restrained, conc.share_restrained),
    ):
        if rule is not None:
            d = disclose_counts([people], rule=rule)
            hidden = bool(d.suppressed[0])
            value = None if hidden else float(d.values[0])
        else:
            hidden, value = False, float(people)
        rows.append(
            (
                tables.label(who),
                tables.count_cell(float(people), value, hidden, marker),
                tables.figure_cell("share", share * 100, 0, suppressed=hidden, marker=marker),
            )
        )
    return tables.Table(
        key="concentration",
        caption="How concentrated restrictive interventions are",
        columns=cols,
        rows=tuple(rows),
        rule=rule,
        notes=(
            "The share of all interventions that fell on the most-restrained tenth of "
            "people (mhsip.stats.concentration_share).",
        ),
    )


def report_for_request(
    user: Any,
    scope: Scope,
    period: Period,
    *,
    characteristic: str,
    reference: str | None,
    compare: str | None,
    export: bool = False,
    series_start: dt.date | None = None,
) -> EquityReport:
    """The report a page (or, with ``export``, a CSV download: always published) shows; the
    monthly chart starts at ``series_start`` (the first month with data) at the earliest."""
    char = get_characteristic(characteristic)
    rule = RULE if export else disclosure_for(user, scope, char)
    return equity_report(
        scope,
        period.start,
        period.end,
        characteristic=char,
        reference=reference,
        compare=compare,
        rule=rule,
        series_start=series_start,
    )


def data_version(ward_ids: Sequence[int]) -> str:
    """Changes whenever anything an equity analysis reads changes: every write of patients,
    stays, incidents, interventions, the census, population figures and wards is audited
    (ADR 0004), so the newest audit row of those kinds versions the data."""
    from mhsip.audit.models import AuditLog

    kinds = [
        "recording.patient",
        "recording.stay",
        "recording.useofforceincident",
        "recording.intervention",
        "recording.wardcensus",
        "equity.populationestimate",
        "equity.trustcatchment",
        "organisations.ward",
        "organisations.collaborative",
    ]
    row = AuditLog.objects.filter(object_type__in=kinds).aggregate(last=Max("id"))
    return f"{row['last']}:{','.join(str(w) for w in sorted(ward_ids))}"


__all__ = [
    "BED_DAY_RULE",
    "POPULATION",
    "RULE",
    "WITHIN_SERVICE",
    "EquityReport",
    "Frame",
    "Headline",
    "Period",
    "Scope",
    "collaborative_equity",
    "collaborative_scope",
    "data_span",
    "data_version",
    "disclosure_for",
    "equity_report",
    "filter_choices",
    "load_population_rows",
    "period_choices",
    "population_for",
    "publish_counts",
    "report_for_request",
    "resolve_period",
    "resolve_scope",
]
